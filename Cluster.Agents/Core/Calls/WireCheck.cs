using System.Collections.Concurrent;
using Akka.Actor;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Calls;

/// <summary>Serializes the payload of a call message for a remote actor before it is sent, and checks that it can cross the wire.</summary>
/// <remarks>
/// Remoting serializes a message after Tell has returned; when that fails, or the frame is too large, or
/// the receiving node refuses to deserialize it, the message is dropped with a log line on some node and
/// the caller only ever sees its deadline pass. Serializing here turns that into an immediate error that
/// names the type, and the bytes are sent as they are (<see cref="PreparedCallMessage"/>), so the check
/// costs no second serialization. The read-back that catches types refused by the receiving side
/// (Hyperion's unsafe types) runs once per payload type.
/// </remarks>
internal sealed class WireCheck
{
    private readonly ExtendedActorSystem _system;
    private readonly long _maximumFrameSize;
    private readonly ConcurrentDictionary<Type, bool> _readBackTypes = new();
    private CallMessageSerializer? _serializer;

    /// <summary>Gets the largest message remoting carries, in bytes.</summary>
    public long MaximumFrameSize => _maximumFrameSize;

    public WireCheck(ExtendedActorSystem system)
    {
        _system = system;
        var frame = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", null);
        _maximumFrameSize = frame is > 0 ? frame.Value : long.MaxValue;
    }

    private CallMessageSerializer Serializer => _serializer ??=
        _system.Serialization.FindSerializerForType(typeof(CallRequest)) as CallMessageSerializer
        ?? throw new InvalidOperationException(
            $"{typeof(CallRequest).FullName} must be bound to {typeof(CallMessageSerializer).FullName} (id {CallMessageSerializer.Id}); build the node's configuration on ClusterHocon.Base.");

    /// <summary>Gets what to send to <paramref name="target"/> for <paramref name="message"/>, or why it cannot reach it.</summary>
    /// <param name="target">The receiver.</param>
    /// <param name="message">A <see cref="CallRequest"/>, <see cref="CallReply"/> or <see cref="StreamItem"/>.</param>
    /// <param name="value">The part of it the user chose (its payload or value), serialized and named in the error.</param>
    /// <param name="what">What the value is, for the error (e.g. <c>payload</c>, <c>reply</c>).</param>
    /// <param name="problem">Null if it can be sent, else why not.</param>
    /// <returns>The message itself for a local target; for a remote one, the message with its value serialized.</returns>
    public object Prepare(IActorRef target, object message, object? value, string what, out string? problem)
    {
        if (value is null || target.Path.Address.HasLocalScope)
        {
            problem = null;
            return message;
        }

        var bytes = Serialize(target, value, what, out problem);
        return bytes is null ? message : new PreparedCallMessage(message, bytes);
    }

    /// <summary>Serializes <paramref name="value"/> to reach the remote <paramref name="target"/>, or says why it cannot.</summary>
    /// <param name="target">The remote receiver.</param>
    /// <param name="value">The value.</param>
    /// <param name="what">What the value is, for the error.</param>
    /// <param name="problem">Null if it can be sent, else why not.</param>
    /// <returns>Its bytes, or null when it cannot be sent.</returns>
    public byte[]? Serialize(IActorRef target, object value, string what, out string? problem)
    {
        problem = null;
        var type = value.GetType();
        byte[] bytes;
        try
        {
            bytes = Serializer.SerializePayload(value);
        }
        catch (Exception e)
        {
            problem = $"the {what} of type {type.FullName} cannot be serialized to reach {target.Path}: {e.GetType().Name}: {e.Message}";
            return null;
        }

        if (bytes.Length >= _maximumFrameSize)
        {
            problem = $"the {what} of type {type.FullName} is {bytes.Length} bytes serialized, more than akka.remote.dot-netty.tcp.maximum-frame-size ({_maximumFrameSize} bytes)";
            return null;
        }

        if (!_readBackTypes.ContainsKey(type))
        {
            try
            {
                Serializer.DeserializePayload(bytes);
            }
            catch (Exception e)
            {
                problem = $"the {what} of type {type.FullName} would be refused by the receiving node: the serializer cannot read it back: {e.GetType().Name}: {e.Message}";
                return null;
            }

            _readBackTypes.TryAdd(type, true);
        }

        return bytes;
    }
}
