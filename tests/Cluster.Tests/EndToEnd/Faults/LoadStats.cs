using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>One stats line of a load device: what it received from each other load device and how its requests to each went.</summary>
/// <param name="Time">When the line was written.</param>
/// <param name="Published">How many topic messages the device has published.</param>
/// <param name="Topics">Per source device: received, missing (gaps in its numbers) and late (out of order).</param>
/// <param name="Requests">Per target device: the echo requests' outcomes and the last second's latencies.</param>
/// <param name="Line">The line itself.</param>
public sealed partial record LoadStats(
    DateTimeOffset Time,
    long Published,
    IReadOnlyDictionary<string, (long Received, long Missing, long Late)> Topics,
    IReadOnlyDictionary<string, RequestStats> Requests,
    string Line)
{
    /// <summary>Parses a stats line.</summary>
    /// <param name="line">The line.</param>
    /// <returns>The stats.</returns>
    public static LoadStats Parse(string line)
    {
        var topics = TopicPattern().Matches(line).ToDictionary(
            m => m.Groups[1].Value,
            m => (Long(m.Groups[2]), Long(m.Groups[3]), Long(m.Groups[4])));
        var requests = RequestPattern().Matches(line).ToDictionary(
            m => m.Groups[1].Value,
            m => new RequestStats(Long(m.Groups[2]), Long(m.Groups[3]), Long(m.Groups[4]), Long(m.Groups[5]), m.Groups[6].Value, m.Groups[7].Value, m.Groups[8].Value));
        return new LoadStats(FaultCluster.TimeOf(line), Long(PublishedPattern().Match(line).Groups[1]), topics, requests, line);
    }

    /// <summary>Tells whether this host hears host <paramref name="peer"/>: a message of its arrived and a request to it was answered.</summary>
    /// <param name="peer">The other host, from 1.</param>
    /// <returns>Whether both happened.</returns>
    public bool Hears(int peer) =>
        Topics.TryGetValue($"load{peer}", out var topic) && topic.Received > 0 && Requests.TryGetValue($"load{peer}", out var requests) && requests.Ok > 0;

    /// <summary>Asserts that nothing between this host and host <paramref name="peer"/> was lost: no message missing, no request failed or refused.</summary>
    /// <param name="peer">The other host, from 1.</param>
    public void AssertNothingLostWith(int peer)
    {
        var (topic, requests) = (Topics[$"load{peer}"], Requests[$"load{peer}"]);
        Assert.True(
            topic.Missing == 0 && requests.Failed + requests.Unknown == 0,
            $"lost between this host and load{peer}: {topic.Missing} messages missing, {requests.Failed} requests failed, {requests.Unknown} refused: {Line}");
    }

    /// <inheritdoc />
    public override string ToString() => Line;

    private static long Long(Group group) => long.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"published=(\d+)")]
    private static partial Regex PublishedPattern();

    [GeneratedRegex(@"from (\S+) received=(\d+) missing=(\d+) late=(\d+)")]
    private static partial Regex TopicPattern();

    [GeneratedRegex(@"to (\S+) ok=(\d+) failed=(\d+) unknown=(\d+) unknown-since=(\d+) p50=(\S+) p99=(\S+) max=(\S+)")]
    private static partial Regex RequestPattern();
}
