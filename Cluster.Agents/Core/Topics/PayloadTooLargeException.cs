namespace Cluster.Agents.Core.Topics;

/// <summary>A payload is larger, serialized, than its topic allows (or than a remote frame, with the lane off); it was not published.</summary>
public sealed class PayloadTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="topic">The topic it was published on.</param>
    /// <param name="size">The serialized size in bytes.</param>
    /// <param name="limit">The largest payload that crosses nodes, in bytes.</param>
    /// <param name="frameSize">The remote frame size the limit derives from.</param>
    public PayloadTooLargeException(string topic, long size, long limit, long frameSize)
        : base($"The payload on topic '{topic}' is {size:N0} bytes serialized; at most {limit:N0} bytes cross nodes " +
               $"(akka.remote.dot-netty.tcp.maximum-frame-size = {frameSize:N0} bytes, less {TopicSettings.EnvelopeAllowance:N0} for the envelope). " +
               "Raise that setting on every node, or publish less.")
    {
        Topic = topic;
        Size = size;
        Limit = limit;
    }

    /// <summary>Creates the exception for a payload above its topic's maximum.</summary>
    /// <param name="topic">The topic it was published on.</param>
    /// <param name="size">The serialized size in bytes.</param>
    /// <param name="limit">The topic's maximum, in bytes.</param>
    /// <param name="setting">The setting the maximum comes from.</param>
    public PayloadTooLargeException(string topic, long size, long limit, string setting)
        : base($"The payload on topic '{topic}' is {size:N0} bytes serialized; at most {limit:N0} bytes may be published on it ({setting}). " +
               "Raise that setting on every node, or publish less.")
    {
        Topic = topic;
        Size = size;
        Limit = limit;
    }

    /// <summary>Gets the topic it was published on.</summary>
    public string Topic { get; }

    /// <summary>Gets the serialized size in bytes.</summary>
    public long Size { get; }

    /// <summary>Gets the largest payload that crosses nodes, in bytes.</summary>
    public long Limit { get; }
}
