namespace Cluster.Agents.Core.Calls;

/// <summary>
/// Stands for the payload of a call message that arrived but cannot be deserialized on this node (its type is
/// unknown here, or the serializer refuses it). <see cref="CallResponder"/> answers such a request with a
/// <see cref="System.Runtime.Serialization.SerializationException"/> instead of running the handler, and a caller
/// whose answer is unreadable gets that exception instead of waiting for its deadline.
/// </summary>
public sealed class UnreadablePayload
{
    internal UnreadablePayload(string reason) => Reason = reason;

    /// <summary>Gets why the payload cannot be read, naming the node and the serializer's error.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string ToString() => Reason;
}
