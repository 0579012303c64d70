namespace Cluster.Agents.Core.Topics.Lane;

/// <summary>What a topic's subscribers and publishers do when a subscriber falls behind, as ROS 2's history and reliability.</summary>
public enum TopicHistory
{
    /// <summary>Keep the newest <see cref="TopicQos.Depth"/> messages per subscriber and per outgoing lane; older ones are dropped and counted.</summary>
    KeepLast,

    /// <summary>Drop nothing: when <see cref="TopicQos.Depth"/> messages wait, the publisher waits (back-pressure), up to the publish timeout.</summary>
    Reliable,
}

/// <summary>A topic's quality of service: its history policy and how many messages may wait per subscriber and per outgoing lane.</summary>
/// <param name="History">Keep the newest messages, or drop nothing and make the publisher wait.</param>
/// <param name="Depth">How many messages may wait, at least 1.</param>
public sealed record TopicQos(TopicHistory History, int Depth)
{
    /// <summary>Gets the default for payloads that travel over the lane: keep the last 8.</summary>
    public static TopicQos Default { get; } = new(TopicHistory.KeepLast, 8);
}
