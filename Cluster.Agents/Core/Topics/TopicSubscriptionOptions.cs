namespace Cluster.Agents.Core.Topics;

/// <summary>How a subscription takes its messages.</summary>
public sealed record TopicSubscriptionOptions
{
    /// <summary>Gets the options of a plain subscription: every payload as an object, raw bytes as a <c>byte[]</c>.</summary>
    public static TopicSubscriptionOptions Default { get; } = new();

    /// <summary>
    /// Gets whether large raw-bytes payloads arrive as a <see cref="TopicLease"/> the subscriber disposes, instead of
    /// a <c>byte[]</c> copy.
    /// </summary>
    /// <value>The default is false.</value>
    public bool Leases { get; init; }
}
