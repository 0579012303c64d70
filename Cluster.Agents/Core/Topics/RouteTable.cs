using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The glob patterns known cluster-wide at one moment, and which routes a topic is published on:
/// the topic itself plus <c>glob:</c> and every known pattern that matches it. Immutable; the answer
/// for each topic is computed once and cached, so the cost of a publish does not grow with the number
/// of patterns.
/// </summary>
internal sealed class RouteTable
{
    internal const string GlobPrefix = "glob:";
    private readonly ImmutableArray<TopicPattern> _globs;
    private readonly ConcurrentDictionary<string, string[]> _cache = new(StringComparer.Ordinal);
    private readonly int _cacheLimit;

    private RouteTable(ImmutableArray<TopicPattern> globs, int cacheLimit)
    {
        _globs = globs;
        _cacheLimit = cacheLimit;
        Patterns = [.. globs.Select(g => g.Text)];
    }

    /// <summary>Gets the known glob patterns.</summary>
    public ImmutableHashSet<string> Patterns { get; }

    public static RouteTable Create(IEnumerable<string> patterns, int cacheLimit) =>
        new([.. patterns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(TopicPattern.Parse).Where(p => p.IsGlob)], cacheLimit);

    /// <summary>The DistributedPubSub topic a subscription with this pattern listens on.</summary>
    public static string RouteOf(TopicPattern pattern) => pattern.IsGlob ? GlobPrefix + pattern.Text : pattern.Text;

    public string[] RoutesFor(string topic)
    {
        if (_cache.TryGetValue(topic, out var routes))
        {
            return routes;
        }

        // A table lives until the pattern set changes; the bound only guards against endless distinct topic names.
        if (_cache.Count >= _cacheLimit)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(topic, Compute);
    }

    private string[] Compute(string topic)
    {
        var routes = new List<string>(1) { topic };
        foreach (var glob in _globs)
        {
            if (glob.Matches(topic))
            {
                routes.Add(GlobPrefix + glob.Text);
            }
        }

        return [.. routes];
    }
}
