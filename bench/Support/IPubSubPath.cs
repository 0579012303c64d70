namespace Cluster.Bench.Support;

/// <summary>
/// One way of publishing from node A to one subscriber on node B: raw DistributedPubSub or the topic bus.
/// <see cref="PubSubMeasure"/> measures every path with the same code.
/// </summary>
public interface IPubSubPath
{
    /// <summary>Gets what the subscriber on node B reports.</summary>
    PubSubHandoff Handoff { get; }

    /// <summary>Publishes <paramref name="message"/> from node A on the path's topic.</summary>
    /// <param name="message">The message.</param>
    void Publish(object message);
}
