namespace Cluster.Agents.Core.Topics;

/// <summary>What a topic's subscribers and publishers do when a subscriber falls behind, as ROS 2's history and reliability.</summary>
public enum TopicHistory
{
    /// <summary>Keep the newest <see cref="TopicQos.Depth"/> messages per subscriber and per outgoing lane; older ones are dropped and counted.</summary>
    KeepLast,

    /// <summary>Drop nothing: when <see cref="TopicQos.Depth"/> messages wait, the publisher waits (back-pressure), up to the publish timeout.</summary>
    Reliable,
}
