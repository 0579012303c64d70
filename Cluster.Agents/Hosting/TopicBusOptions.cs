using System.Globalization;
using System.Text;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;

namespace Cluster.Agents.Hosting;

/// <summary>
/// The topic bus's settings set in code, for
/// <see cref="ClusterNodeHostingExtensions.WithTopicBus(Akka.Hosting.AkkaConfigurationBuilder, Action{TopicBusOptions})"/>:
/// each one left null keeps the value of the node's HOCON, or the embedded default (see <see cref="TopicSettings"/>).
/// </summary>
public sealed class TopicBusOptions
{
    /// <summary>Gets or sets how long a subscription waits at most for every node to confirm it (<c>subscribe-timeout</c>); positive.</summary>
    public TimeSpan? SubscribeTimeout { get; set; }

    /// <summary>Gets or sets how often a node re-publishes a probe until the subscribing node has seen it (<c>probe-interval</c>); positive.</summary>
    public TimeSpan? ProbeInterval { get; set; }

    /// <summary>Gets or sets how often the glob patterns known cluster-wide are re-read (<c>pattern-refresh-interval</c>); positive.</summary>
    public TimeSpan? PatternRefreshInterval { get; set; }

    /// <summary>Gets or sets how many topic names the route cache holds before it starts over (<c>route-cache-size</c>); at least 1.</summary>
    public int? RouteCacheSize { get; set; }

    /// <summary>
    /// Gets or sets how close together two publishes must come for the later one to be batched (<c>batch-gap</c>);
    /// zero sends every publish on its own.
    /// </summary>
    public TimeSpan? BatchGap { get; set; }

    /// <summary>Checks the options, naming the first wrong one, and turns them into HOCON under <c>cluster-node.topics</c>.</summary>
    /// <returns>The HOCON of the options that are set.</returns>
    /// <exception cref="ClusterConfigurationException">An option is wrong; its key is <c>TopicBusOptions.</c> and the option's name.</exception>
    internal Config ToConfig()
    {
        var hocon = new StringBuilder();
        Duration(hocon, nameof(SubscribeTimeout), "subscribe-timeout", SubscribeTimeout, allowZero: false);
        Duration(hocon, nameof(ProbeInterval), "probe-interval", ProbeInterval, allowZero: false);
        Duration(hocon, nameof(PatternRefreshInterval), "pattern-refresh-interval", PatternRefreshInterval, allowZero: false);
        Duration(hocon, nameof(BatchGap), "batch-gap", BatchGap, allowZero: true);
        if (RouteCacheSize is { } size)
        {
            if (size < 1)
            {
                throw new ClusterConfigurationException(Key(nameof(RouteCacheSize)), size.ToString(CultureInfo.InvariantCulture), "must be at least 1.");
            }

            hocon.Append(CultureInfo.InvariantCulture, $"cluster-node.topics.route-cache-size = {size}\n");
        }

        return hocon.Length == 0 ? Config.Empty : ConfigurationFactory.ParseString(hocon.ToString());
    }

    private static void Duration(StringBuilder hocon, string option, string key, TimeSpan? value, bool allowZero)
    {
        if (value is not { } duration)
        {
            return;
        }

        if (duration < TimeSpan.Zero || (duration == TimeSpan.Zero && !allowZero))
        {
            throw new ClusterConfigurationException(
                Key(option),
                duration.ToString("c", CultureInfo.InvariantCulture),
                allowZero ? "must be zero (no batching) or a positive duration." : "must be a positive duration.");
        }

        // Microseconds keep every tick that matters to the bus and read back exactly with the framework's duration grammar.
        hocon.Append(CultureInfo.InvariantCulture, $"cluster-node.topics.{key} = \"{duration.Ticks / 10.0:R}us\"\n");
    }

    private static string Key(string option) => $"{nameof(TopicBusOptions)}.{option}";
}
