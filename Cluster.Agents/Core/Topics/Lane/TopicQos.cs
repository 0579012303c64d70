namespace Cluster.Agents.Core.Topics;

/// <summary>A topic's quality of service: its history policy and how many messages may wait per subscriber and per outgoing lane.</summary>
/// <param name="History">Keep the newest messages, or drop nothing and make the publisher wait.</param>
/// <param name="Depth">How many messages may wait, at least 1.</param>
public sealed record TopicQos(TopicHistory History, int Depth)
{
    /// <summary>Gets the default for payloads that travel over the lane: keep the last 8.</summary>
    public static TopicQos Default { get; } = new(TopicHistory.KeepLast, 8);
}
