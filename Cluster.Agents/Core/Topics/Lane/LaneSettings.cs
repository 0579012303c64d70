using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Core.Topics;

/// <summary>The settings of the topic bus's data lane for large payloads, from <c>cluster-node.topics.lane</c>.</summary>
public sealed record LaneSettings
{
    private readonly ConcurrentDictionary<string, TopicLaneRule> _cache = new(StringComparer.Ordinal);

    /// <summary>Gets whether payloads at or above <see cref="Threshold"/> travel over the lane.</summary>
    /// <value>The default is on.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Gets whether the lane runs even though remoting uses TLS (<c>akka.remote.dot-netty.tcp.enable-ssl</c>): the lane
    /// itself does not encrypt, so by default it stays off then and every payload travels through remoting.
    /// </summary>
    /// <value>The default is false.</value>
    public bool AllowUnencrypted { get; init; }

    /// <summary>Gets the serialized size from which a payload travels over the lane instead of through remoting.</summary>
    /// <value>The default is 32 KiB.</value>
    public long Threshold { get; init; } = 32 * 1024;

    /// <summary>Gets the largest piece a payload is written in on the lane.</summary>
    /// <value>The default is 256 KiB.</value>
    public int ChunkSize { get; init; } = 256 * 1024;

    /// <summary>
    /// Gets whether a lane to a node on the same machine hands payloads at or above <see cref="Threshold"/> over a
    /// memory-mapped ring file instead of the socket (the socket still carries where each lies, in order).
    /// </summary>
    /// <value>The default is on.</value>
    public bool SharedMemory { get; init; } = true;

    /// <summary>Gets the size of the shared-memory ring of each lane to a node on the same machine; a larger payload takes the socket.</summary>
    /// <value>The default is 32 MiB.</value>
    public long SharedMemorySize { get; init; } = 32L * 1024 * 1024;

    /// <summary>Gets the largest payload that may be published on a topic no rule names.</summary>
    /// <value>The default is 64 MiB.</value>
    public long MaxPayloadBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets the most bytes of messages on topics without a quality of service that may wait on one lane (while it is
    /// down, or its node reads slower than this one publishes); a message that would pass it is dropped and counted.
    /// </summary>
    /// <value>The default is 64 MiB.</value>
    public long MaxQueued { get; init; } = 64L * 1024 * 1024;

    /// <summary>Gets the address the lane listens on; empty for the node's remoting host name.</summary>
    /// <value>The default is empty.</value>
    public string Hostname { get; init; } = "";

    /// <summary>Gets the lane's TCP port; 0 takes a free one, which the node tells the others.</summary>
    /// <value>The default is 0.</value>
    public int Port { get; init; }

    /// <summary>Gets how long a broken or refused lane waits before it connects again.</summary>
    /// <value>The default is 200 ms.</value>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets how long a publish on a reliable topic waits at most for room before it fails.</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets how long a node holds the lane's messages from a node that just switched it onto the lane while the fence
    /// behind that node's last DistributedPubSub messages has not come; then it delivers them and counts the miss.
    /// </summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan FenceTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the quality of service of lane payloads on topics no rule names.</summary>
    /// <value>The default is keep-last 8.</value>
    public TopicQos Qos { get; init; } = TopicQos.Default;

    /// <summary>Gets the per-topic rules; an exact pattern wins over a glob, a longer glob over a shorter one.</summary>
    public ImmutableArray<TopicLaneRule> Topics { get; init; } = [];

    /// <summary>Gets the rule that applies to <paramref name="topic"/>: the most specific matching one, or the lane's defaults.</summary>
    /// <param name="topic">A topic name.</param>
    /// <returns>The rule.</returns>
    public TopicLaneRule For(string topic)
    {
        if (_cache.TryGetValue(topic, out var rule))
        {
            return rule;
        }

        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(topic, Find);
    }

    /// <summary>Tells whether a rule names <paramref name="topic"/>, so its small messages keep its quality of service too.</summary>
    /// <param name="topic">A topic name.</param>
    /// <returns>The rule, or null.</returns>
    public TopicLaneRule? Explicit(string topic)
    {
        var rule = For(topic);
        return rule.Pattern is null ? null : rule;
    }

    /// <summary>Reads the settings from <c>cluster-node.topics.lane</c>, naming the key of any bad value.</summary>
    /// <param name="config">The actor system's configuration.</param>
    /// <returns>The settings.</returns>
    public static LaneSettings Create(Config config)
    {
        const string at = "cluster-node.topics.lane";
        var section = config.GetConfig(at);
        if (section is null || section.IsEmpty)
        {
            return new LaneSettings();
        }

        var max = Bytes(section, at, "max-payload", 1);
        var qos = ReadQos(section, at, "", TopicQos.Default);
        var rules = ImmutableArray.CreateBuilder<TopicLaneRule>();
        var topics = section.GetConfig("topics");
        if (topics is not null && !topics.IsEmpty)
        {
            foreach (var (key, value) in topics.Root.GetObject().Items)
            {
                var pattern = TopicPattern.Parse(key);
                var rule = new Config(new HoconRoot(value));
                var where = $"{at}.topics.\"{key}\"";
                rules.Add(new TopicLaneRule(
                    pattern,
                    rule.HasPath("max-payload") ? Bytes(rule, where, "max-payload", 1) : max,
                    ReadQos(rule, where, "", qos)));
            }
        }

        var threshold = Bytes(section, at, "threshold", 1);
        var chunk = Bytes(section, at, "chunk-size", 1024);
        if (chunk > 64 * 1024 * 1024)
        {
            throw new ClusterConfigurationException($"{at}.chunk-size", chunk.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be at most 64 MiB.");
        }

        var ring = section.HasPath("shared-memory-size") ? Bytes(section, at, "shared-memory-size", 64 * 1024) : new LaneSettings().SharedMemorySize;
        return new LaneSettings
        {
            Enabled = section.GetBoolean("enabled", true),
            AllowUnencrypted = section.GetBoolean("allow-unencrypted", false),
            Threshold = threshold,
            ChunkSize = (int)chunk,
            MaxPayloadBytes = max,
            MaxQueued = Bytes(section, at, "max-queued", 1),
            SharedMemory = section.GetBoolean("shared-memory", true),
            SharedMemorySize = ring,
            Hostname = section.GetString("hostname", ""),
            Port = ReadPort(section, at),
            ReconnectInterval = Positive(config, $"{at}.reconnect-interval"),
            PublishTimeout = Positive(config, $"{at}.publish-timeout"),
            FenceTimeout = Positive(config, $"{at}.fence-timeout"),
            Qos = qos,
            Topics = rules.ToImmutable(),
        };
    }

    private TopicLaneRule Find(string topic)
    {
        TopicLaneRule? best = null;
        foreach (var rule in Topics)
        {
            if (rule.Pattern!.Matches(topic) && (best is null || Specificity(rule) > Specificity(best)))
            {
                best = rule;
            }
        }

        return best ?? new TopicLaneRule(null, MaxPayloadBytes, Qos);
    }

    private static int Specificity(TopicLaneRule rule) => rule.Pattern!.IsGlob ? rule.Pattern.Text.Length : int.MaxValue;

    private static long Bytes(Config config, string at, string key, long least)
    {
        long? value;
        try
        {
            value = config.GetByteSize(key);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new ClusterConfigurationException($"{at}.{key}", config.GetString(key, ""), "must be a size in bytes, such as 64MiB.");
        }

        return value is { } bytes && bytes >= least
            ? bytes
            : throw new ClusterConfigurationException($"{at}.{key}", config.GetString(key, ""), $"must be a size of at least {least} bytes, such as 64MiB.");
    }

    private static int ReadPort(Config section, string at)
    {
        var port = section.GetInt("port", 0);
        return port is >= 0 and <= 65535
            ? port
            : throw new ClusterConfigurationException($"{at}.port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be 0 (a free port) or a TCP port up to 65535.");
    }

    private static TopicQos ReadQos(Config config, string at, string prefix, TopicQos fallback)
    {
        var history = fallback.History;
        if (config.HasPath(prefix + "history"))
        {
            var text = config.GetString(prefix + "history", "");
            history = text switch
            {
                "keep-last" => TopicHistory.KeepLast,
                "reliable" => TopicHistory.Reliable,
                _ => throw new ClusterConfigurationException($"{at}.history", text, "must be keep-last or reliable."),
            };
        }

        var depth = config.HasPath(prefix + "depth") ? config.GetInt(prefix + "depth", 0) : fallback.Depth;
        return depth >= 1
            ? new TopicQos(history, depth)
            : throw new ClusterConfigurationException($"{at}.depth", depth.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be at least 1.");
    }

    private static TimeSpan Positive(Config config, string key)
    {
        var value = ConfigDurations.Get(config, key);
        return value > TimeSpan.Zero ? value : throw new ClusterConfigurationException(key, value.ToString(), "must be a positive duration.");
    }
}
