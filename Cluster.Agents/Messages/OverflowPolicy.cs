namespace Cluster.Agents.Messages;

/// <summary>What a <see cref="QueuedListener{T}"/> does with a message that arrives when its queue is full.</summary>
public enum OverflowPolicy
{
    /// <summary>Drop the oldest queued message to make room; the newest data wins.</summary>
    DropOldest,

    /// <summary>Drop the message that just arrived; the queued ones are kept.</summary>
    DropNewest,

    /// <summary>Drop the message that just arrived and close the listener, faulting its completion with <see cref="QueueOverflowException"/>.</summary>
    Fail,
}
