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

    // globs is sorted by text (ordinal); patterns holds the same texts.
    private RouteTable(ImmutableArray<TopicPattern> globs, ImmutableHashSet<string> patterns, int cacheLimit)
    {
        _globs = globs;
        _cacheLimit = cacheLimit;
        Patterns = patterns;
    }

    /// <summary>Gets the known glob patterns.</summary>
    public ImmutableHashSet<string> Patterns { get; }

    public static RouteTable Create(IEnumerable<string> patterns, int cacheLimit) => Create(patterns, cacheLimit, previous: null);

    /// <summary>Creates a table, taking the patterns <paramref name="previous"/> already parsed from it.</summary>
    /// <remarks>Parsing compiles a regex, by far the largest cost of a new table; most patterns are usually in the previous one.</remarks>
    public static RouteTable Create(IEnumerable<string> patterns, int cacheLimit, RouteTable? previous)
    {
        var globs = ImmutableArray.CreateBuilder<TopicPattern>();
        foreach (var text in patterns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var index = previous?.IndexOf(text) ?? -1;
            var pattern = index >= 0 ? previous!._globs[index] : TopicPattern.Parse(text);
            if (pattern.IsGlob)
            {
                globs.Add(pattern);
            }
        }

        var sorted = globs.DrainToImmutable();
        return new(sorted, [.. sorted.Select(g => g.Text)], cacheLimit);
    }

    /// <summary>Gets the table with one more pattern: the same table as <c>Create</c> with it, but only the new pattern is parsed.</summary>
    public RouteTable With(string pattern)
    {
        var index = IndexOf(pattern);
        if (index >= 0)
        {
            return this;
        }

        var parsed = TopicPattern.Parse(pattern);
        return parsed.IsGlob ? new(_globs.Insert(~index, parsed), Patterns.Add(pattern), _cacheLimit) : this;
    }

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

    // The index of the glob with this text, or the bitwise complement of where it would be inserted.
    private int IndexOf(string text)
    {
        var (low, high) = (0, _globs.Length - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(_globs[middle].Text, text);
            if (order == 0)
            {
                return middle;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return ~low;
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
