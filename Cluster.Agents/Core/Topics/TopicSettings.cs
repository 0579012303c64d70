using Akka.Configuration;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Core.Topics;

/// <summary>The topic bus's settings, from <c>cluster-node.topics</c>.</summary>
public sealed record TopicSettings
{
    /// <summary>Gets how long a subscription waits at most for every node to confirm it.</summary>
    /// <value>The default is 3 s.</value>
    public TimeSpan SubscribeTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets how often a node re-publishes a probe until the subscribing node has seen it.</summary>
    /// <value>The default is 10 ms.</value>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Gets how often the glob patterns known cluster-wide are re-read.</summary>
    /// <value>The default is 100 ms.</value>
    public TimeSpan PatternRefreshInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets how many topic names the route cache holds before it starts over.</summary>
    /// <value>The default is 10,000.</value>
    public int RouteCacheSize { get; init; } = 10_000;

    /// <summary>
    /// Gets how close together two publishes of this node must come for the later one to be batched; zero sends
    /// every publish on its own.
    /// </summary>
    /// <value>The default is 50 µs: faster than 20,000 publishes a second.</value>
    public TimeSpan BatchGap { get; init; } = TimeSpan.FromMicroseconds(50);

    /// <summary>Gets the largest serialized payload that crosses nodes, from the remote frame size less room for the envelope.</summary>
    public long MaxPayloadBytes { get; init; } = 4 * 1024 * 1024 - EnvelopeAllowance;

    /// <summary>Gets the remote frame size the payload limit derives from.</summary>
    public long FrameSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Gets how many messages may wait in one subscriber's mailbox before new ones of topics without a quality of
    /// service are dropped for it (counted in <see cref="TopicBus.Overflowed"/>), so a subscriber that stops reading
    /// cannot grow its node's memory without bound.
    /// </summary>
    /// <value>The default is 100,000.</value>
    public int MaxWaiting { get; init; } = 100_000;

    /// <summary>Gets the settings of the data lane for large payloads (<c>cluster-node.topics.lane</c>).</summary>
    public LaneSettings Lane { get; init; } = new();

    internal const int EnvelopeAllowance = 4096;

    /// <summary>Reads the settings, naming the key of any bad value.</summary>
    /// <param name="config">The actor system's configuration.</param>
    /// <returns>The settings.</returns>
    public static TopicSettings Create(Config config)
    {
        var section = config.GetConfig("cluster-node.topics");
        var frame = config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128_000;
        return new TopicSettings
        {
            SubscribeTimeout = Positive(config, "subscribe-timeout"),
            ProbeInterval = Positive(config, "probe-interval"),
            PatternRefreshInterval = Positive(config, "pattern-refresh-interval"),
            RouteCacheSize = Math.Max(1, section.GetInt("route-cache-size")),
            BatchGap = Duration(config, "batch-gap", value => value >= TimeSpan.Zero, "must be zero (no batching) or a positive duration."),
            FrameSize = frame,
            MaxPayloadBytes = frame - EnvelopeAllowance,
            MaxWaiting = AtLeastOne(section, "max-waiting"),
            Lane = LaneSettings.Create(config),
        };
    }

    private static int AtLeastOne(Config section, string key)
    {
        var value = section.GetInt(key, 0);
        return value >= 1
            ? value
            : throw new ClusterConfigurationException($"cluster-node.topics.{key}", section.GetString(key, ""), "must be a whole number of at least 1.");
    }

    private static TimeSpan Positive(Config config, string key) =>
        Duration(config, key, value => value > TimeSpan.Zero, "must be a positive duration.");

    private static TimeSpan Duration(Config config, string key, Func<TimeSpan, bool> valid, string problem)
    {
        var value = ConfigDurations.Get(config, $"cluster-node.topics.{key}");
        return valid(value)
            ? value
            : throw new ClusterConfigurationException($"cluster-node.topics.{key}", value.ToString(), problem);
    }
}
