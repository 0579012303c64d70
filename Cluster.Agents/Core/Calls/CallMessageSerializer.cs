using System.Buffers.Binary;
using System.Runtime.Serialization;
using Akka.Actor;
using Cluster.Contracts;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Serialization;
using static Cluster.Agents.Core.Wire.WireFormat;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// The wire form of the call protocol (<see cref="CallRequest"/>, <see cref="CallReply"/>, <see cref="StreamItem"/>,
/// <see cref="CallFailed"/>, <see cref="StreamCompleted"/>), bound to those types in the base HOCON: a kind, the
/// call's number, then the payload as the cluster's serializer writes it.
/// </summary>
/// <remarks>
/// <para>Before a call message leaves for another node, the call client serializes its payload to check that it
/// can cross (<see cref="WireCheck"/>) and sends those bytes in a <see cref="PreparedCallMessage"/>, which this
/// serializer writes around them: each payload is serialized once, and the receiving node reads the plain message.</para>
/// <para>Layout: a format byte, a kind byte, the call number (little-endian), then for a request, a reply or a stream
/// item the payload to the end; for a failure the five strings of <see cref="RemoteError"/>, length-prefixed UTF-8; for
/// several stream items (<see cref="StreamItems"/>) a byte that says whether the stream ends, the count, then each
/// payload's length (-1 for null) and bytes. A payload is a byte that says how it is written, then its bytes: 0 for
/// null (nothing follows), 1 for the cluster's serializer (Hyperion), 2 for a hand-written form of
/// <see cref="CompactPayloads"/> (a command's replies, which would otherwise cost Hyperion's type names on every one).</para>
/// <para>A payload this node cannot deserialize arrives as an <see cref="UnreadablePayload"/>, so that the call is
/// answered with the error rather than dropped with a log line.</para>
/// </remarks>
public sealed class CallMessageSerializer : AkkaSerializer
{
    /// <summary>The identifier under which the base HOCON registers this serializer.</summary>
    public const int Id = 443;

    private const byte Format = 2;
    private const byte NullPayload = 0;
    private const byte ClusterPayload = 1;
    private const byte CompactPayload = 2;
    private const int Header = 2 + sizeof(long);

    private AkkaSerializer? _payloads;

    /// <summary>Creates the serializer; Akka calls this from configuration.</summary>
    /// <param name="system">The actor system.</param>
    public CallMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
        // Akka creates a node's serializers when it starts, before any message arrives: the framework's own
        // assemblies join the allow-list here, so the contracts below need not name them.
        Cluster.Contracts.Serialization.SerializationAllowList.RegisterFamily("Cluster.Agents.");
    }

    private enum Kind : byte
    {
        Request = 1,
        Reply = 2,
        StreamItem = 3,
        Failed = 4,
        StreamCompleted = 5,
        StreamItems = 6,
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => false;

    // Resolved on first use: the serializers are built while the system's serialization is still being created.
    private AkkaSerializer Payloads => _payloads ??= system.Serialization.FindSerializerForType(typeof(IClusterMessage));

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj switch
    {
        PreparedCallMessage prepared => WithPayload(prepared.Message, prepared.Payload),
        CallRequest or CallReply or StreamItem => WithPayload(obj, null),
        CallFailed failed => Failure(failed),
        StreamCompleted completed => Start(Kind.StreamCompleted, completed.CallId, 0),
        PreparedStreamItems items => Items(items.CallId, items.Payloads, items.Completed),
        StreamItems items => Items(items.CallId, [.. items.Values.Select(value => value is null ? null : SerializePayload(value))], items.Completed),
        _ => throw new ArgumentException($"{nameof(CallMessageSerializer)} writes only the call protocol's messages, not {obj?.GetType().FullName ?? "null"}.", nameof(obj)),
    };

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            ReadOnlySpan<byte> span = bytes;
            if (span[0] != Format)
            {
                throw new SerializationException($"Unknown call message format {span[0]}; this node reads format {Format}.");
            }

            var kind = (Kind)span[1];
            var callId = BinaryPrimitives.ReadInt64LittleEndian(span[2..]);
            return kind switch
            {
                Kind.Request => new CallRequest(callId, ReadPayload(bytes, kind, callId) ?? throw new SerializationException("A call request has no payload.")),
                Kind.Reply => new CallReply(callId, ReadPayload(bytes, kind, callId)),
                Kind.StreamItem => new StreamItem(callId, ReadPayload(bytes, kind, callId)),
                Kind.Failed => ReadFailure(span, callId),
                Kind.StreamCompleted => new StreamCompleted(callId),
                Kind.StreamItems => ReadItems(bytes, callId),
                _ => throw new SerializationException($"Unknown call message kind {(byte)kind}."),
            };
        }
        catch (Exception e) when (e is not SerializationException)
        {
            // The payload's own serializer throws what it likes (end of stream, unsafe type); the receiving node logs this.
            throw new SerializationException($"A call message of {bytes.Length} bytes cannot be read: {e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>Serializes <paramref name="payload"/> as this serializer writes payloads: how it is written, then its bytes.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>Its bytes.</returns>
    internal byte[] SerializePayload(object payload)
    {
        if (CompactPayloads.TryWrite(payload) is { } compact)
        {
            return [CompactPayload, .. compact];
        }

        return [ClusterPayload, .. Payloads.ToBinary(payload)];
    }

    /// <summary>Reads back bytes from <see cref="SerializePayload"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The payload.</returns>
    internal object? DeserializePayload(ReadOnlySpan<byte> bytes) => bytes[0] switch
    {
        NullPayload => null,
        ClusterPayload => Payloads.FromBinary(bytes[1..].ToArray(), typeof(object)),
        CompactPayload => CompactPayloads.Read(bytes[1..]),
        _ => throw new SerializationException($"Unknown payload form {bytes[0]}."),
    };

    private static byte[] Start(Kind kind, long callId, int bodySize)
    {
        var bytes = new byte[Header + bodySize];
        bytes[0] = Format;
        bytes[1] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2), callId);
        return bytes;
    }

    private static CallFailed ReadFailure(ReadOnlySpan<byte> span, long callId)
    {
        var at = Header;
        var origin = ReadString(span, ref at);
        var node = ReadString(span, ref at);
        var type = ReadString(span, ref at);
        var message = ReadString(span, ref at);
        var trace = ReadString(span, ref at);
        return new CallFailed(callId, new RemoteError(origin, node, type, message, trace));
    }

    private byte[] WithPayload(object message, byte[]? serialized)
    {
        var (kind, callId, value) = message switch
        {
            CallRequest request => (Kind.Request, request.CallId, request.Payload),
            CallReply reply => (Kind.Reply, reply.CallId, reply.Value),
            StreamItem item => (Kind.StreamItem, item.CallId, item.Value),
            _ => throw new ArgumentException($"A prepared call message holds a CallRequest, CallReply or StreamItem, not {message.GetType().FullName}.", nameof(message)),
        };
        if (value is null)
        {
            return Start(kind, callId, 1);
        }

        serialized ??= SerializePayload(value);
        var bytes = Start(kind, callId, serialized.Length);
        serialized.CopyTo(bytes.AsSpan(Header));
        return bytes;
    }

    // An unreadable payload still makes a message, so the call is answered with an error instead of being dropped.
    private object? ReadPayload(byte[] bytes, Kind kind, long callId)
    {
        try
        {
            return DeserializePayload(bytes.AsSpan(Header));
        }
        catch (Exception e)
        {
            var what = kind == Kind.Request ? "payload" : "answer";
            return new UnreadablePayload(
                $"The {what} of call {callId} cannot be read on {system.Provider.DefaultAddress}: {e.GetType().Name}: {e.Message}");
        }
    }

    private static byte[] Items(long callId, IReadOnlyList<byte[]?> payloads, bool completed)
    {
        var bytes = Start(Kind.StreamItems, callId, 1 + sizeof(int) + payloads.Sum(payload => sizeof(int) + (payload?.Length ?? 0)));
        var span = bytes.AsSpan();
        span[Header] = completed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(span[(Header + 1)..], payloads.Count);
        var at = Header + 1 + sizeof(int);
        foreach (var payload in payloads)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], payload?.Length ?? -1);
            at += sizeof(int);
            if (payload is not null)
            {
                payload.CopyTo(span[at..]);
                at += payload.Length;
            }
        }

        return bytes;
    }

    private StreamItems ReadItems(byte[] bytes, long callId)
    {
        var span = bytes.AsSpan();
        var completed = span[Header] == 1;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[(Header + 1)..]);
        if (count < 0 || count > bytes.Length)
        {
            throw new SerializationException($"A batch of stream items claims {count} values in {bytes.Length} bytes.");
        }

        var values = new object?[count];
        var at = Header + 1 + sizeof(int);
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += sizeof(int);
            if (length < 0)
            {
                continue;
            }

            if (length > bytes.Length - at)
            {
                throw new SerializationException($"Stream item {i} of call {callId} claims {length} bytes where {bytes.Length - at} are left.");
            }

            try
            {
                values[i] = DeserializePayload(span.Slice(at, length));
            }
            catch (Exception e)
            {
                values[i] = new UnreadablePayload(
                    $"The answer of call {callId} cannot be read on {system.Provider.DefaultAddress}: {e.GetType().Name}: {e.Message}");
            }

            at += length;
        }

        return new StreamItems(callId, values, completed);
    }

    private byte[] Failure(CallFailed failed)
    {
        var error = failed.Error;
        string[] fields = [error.OriginName, error.OriginNode, error.ExceptionType, error.Message, error.RemoteStackTrace];
        var bytes = Start(Kind.Failed, failed.CallId, fields.Sum(StringSize));
        var at = Header;
        foreach (var field in fields)
        {
            at += WriteString(bytes.AsSpan(at), field);
        }

        return bytes;
    }
}

/// <summary>
/// A call message for another node whose payload is already serialized (by <see cref="WireCheck"/>);
/// <see cref="CallMessageSerializer"/> writes it as the plain message, so the receiver gets a <see cref="CallRequest"/>,
/// <see cref="CallReply"/> or <see cref="StreamItem"/>.
/// </summary>
/// <param name="Message">The message.</param>
/// <param name="Payload">Its payload (or value), serialized.</param>
internal sealed record PreparedCallMessage(object Message, byte[] Payload);

/// <summary>
/// Several stream items for another node, their values already serialized (by <see cref="WireCheck"/>);
/// <see cref="CallMessageSerializer"/> writes it as a <see cref="StreamItems"/>, which the receiver gets.
/// </summary>
/// <param name="CallId">The call's number.</param>
/// <param name="Payloads">Each value serialized, or null for a null value.</param>
/// <param name="Completed">Whether the stream ends after these values.</param>
internal sealed record PreparedStreamItems(long CallId, byte[]?[] Payloads, bool Completed);
