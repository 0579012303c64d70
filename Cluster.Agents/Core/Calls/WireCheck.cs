using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Serialization;

namespace Cluster.Agents.Core.Calls;

/// <summary>Checks that a message for a remote actor can cross the wire, before it is sent.</summary>
/// <remarks>
/// Remoting serializes a message after Tell has returned; when that fails, or the frame is too large, or
/// the receiving node refuses to deserialize it, the message is dropped with a log line on some node and
/// the caller only ever sees its deadline pass. Serializing here turns that into an immediate error that
/// names the type. The check costs one extra serialization per remote message; the read-back that catches
/// types refused by the receiving side (Hyperion's unsafe types) runs once per payload type.
/// </remarks>
internal sealed class WireCheck
{
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly long _maximumFrameSize;
    private readonly ConcurrentDictionary<Type, bool> _readBackTypes = new();

    public WireCheck(ExtendedActorSystem system)
    {
        _serialization = system.Serialization;
        var frame = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", null);
        _maximumFrameSize = frame is > 0 ? frame.Value : long.MaxValue;
    }

    /// <summary>Throws when <paramref name="message"/> cannot reach <paramref name="target"/>; a local target is not checked.</summary>
    /// <param name="target">The receiver.</param>
    /// <param name="message">The whole message, as it will be sent.</param>
    /// <param name="payload">The part of it the user chose, named in the error.</param>
    /// <param name="what">What the payload is, for the error (e.g. <c>payload</c>, <c>reply</c>).</param>
    /// <returns>Null if it can be sent, else why not.</returns>
    public string? Problem(IActorRef target, object message, object? payload, string what)
    {
        if (target.Path.Address.HasLocalScope)
        {
            return null;
        }

        var type = payload?.GetType() ?? message.GetType();
        Serializer serializer;
        byte[] bytes;
        try
        {
            serializer = _serialization.FindSerializerFor(message);
            bytes = serializer.ToBinary(message);
        }
        catch (Exception e)
        {
            return $"the {what} of type {type.FullName} cannot be serialized to reach {target.Path}: {e.GetType().Name}: {e.Message}";
        }

        if (bytes.Length >= _maximumFrameSize)
        {
            return $"the {what} of type {type.FullName} is {bytes.Length} bytes serialized, more than akka.remote.dot-netty.tcp.maximum-frame-size ({_maximumFrameSize} bytes)";
        }

        if (!_readBackTypes.ContainsKey(type))
        {
            try
            {
                serializer.FromBinary(bytes, message.GetType());
            }
            catch (Exception e)
            {
                return $"the {what} of type {type.FullName} would be refused by the receiving node: {serializer.GetType().Name} cannot read it back: {e.GetType().Name}: {e.Message}";
            }

            _readBackTypes.TryAdd(type, true);
        }

        return null;
    }
}
