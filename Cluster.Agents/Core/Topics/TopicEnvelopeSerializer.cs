using System.Buffers.Binary;
using Akka.Actor;
using Cluster.Contracts.Topics;
using static Cluster.Agents.Core.Wire.WireFormat;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The wire form of <see cref="TopicEnvelope"/>, bound to it in the base HOCON: its fields one after the other,
/// the payload bytes as they are. The payload itself stays serialized by the cluster's serializer, at the publisher.
/// </summary>
/// <remarks>
/// <para>Every message of the topic bus crosses the wire in an envelope. Through Hyperion, the envelope cost
/// about as much again as the payload inside it (a full type name, a serializer session and about 1 KB of garbage
/// each way), which cost the bus a quarter of DistributedPubSub's throughput; written directly it is a few copies.</para>
/// <para>Layout: a format byte; topic, route (empty when it equals the topic) and sender as length-prefixed UTF-8;
/// the publish time as ticks and offset minutes; the payload's length and bytes. Integers are little-endian.
/// <see cref="TopicEnvelope.LocalPayload"/> is not written.</para>
/// </remarks>
public sealed class TopicEnvelopeSerializer : AkkaSerializer
{
    /// <summary>The identifier under which the base HOCON registers this serializer.</summary>
    public const int Id = 442;

    private const byte Format = 1;

    /// <summary>Creates the serializer; Akka calls this from configuration.</summary>
    /// <param name="system">The actor system.</param>
    public TopicEnvelopeSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => false;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        if (obj is not TopicEnvelope envelope)
        {
            throw new ArgumentException($"{nameof(TopicEnvelopeSerializer)} writes only {nameof(TopicEnvelope)}, not {obj?.GetType().FullName ?? "null"}.", nameof(obj));
        }

        var route = string.Equals(envelope.Route, envelope.Topic, StringComparison.Ordinal) ? "" : envelope.Route;
        var size = 1 + StringSize(envelope.Topic) + StringSize(route) + StringSize(envelope.Sender) + sizeof(long) + sizeof(short) + sizeof(int) + envelope.Payload.Length;
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        span[0] = Format;
        var at = 1;
        at += WriteString(span[at..], envelope.Topic);
        at += WriteString(span[at..], route);
        at += WriteString(span[at..], envelope.Sender);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], envelope.PublishedAt.Ticks);
        at += sizeof(long);
        BinaryPrimitives.WriteInt16LittleEndian(span[at..], (short)envelope.PublishedAt.TotalOffsetMinutes);
        at += sizeof(short);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], envelope.Payload.Length);
        at += sizeof(int);
        envelope.Payload.CopyTo(span[at..]);
        return bytes;
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            ReadOnlySpan<byte> span = bytes;
            if (span[0] != Format)
            {
                throw new System.Runtime.Serialization.SerializationException($"Unknown topic envelope format {span[0]}; this node reads format {Format}.");
            }

            var at = 1;
            var topic = ReadString(span, ref at);
            var route = ReadString(span, ref at);
            var sender = ReadString(span, ref at);
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            at += sizeof(long);
            var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(span[at..]));
            at += sizeof(short);
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += sizeof(int);
            var payload = span.Slice(at, length).ToArray();
            return new TopicEnvelope(topic, route.Length == 0 ? topic : route, sender, new DateTimeOffset(ticks, offset), payload);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException)
        {
            throw Malformed("topic envelope", bytes.Length, e);
        }
    }
}
