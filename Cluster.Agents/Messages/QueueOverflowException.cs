namespace Cluster.Agents.Messages;

/// <summary>A queued listener with <see cref="OverflowPolicy.Fail"/> received a message while its queue was full.</summary>
public sealed class QueueOverflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="channel">The listener's channel.</param>
    /// <param name="topic">The topic of the message that did not fit.</param>
    /// <param name="capacity">The queue's capacity.</param>
    public QueueOverflowException(string channel, string topic, int capacity)
        : base($"The queued listener on channel '{channel}' overflowed: a message on topic '{topic}' arrived with all {capacity} places taken; the listener was closed.")
    {
        Capacity = capacity;
    }

    /// <summary>Gets the queue's capacity.</summary>
    public int Capacity { get; }
}
