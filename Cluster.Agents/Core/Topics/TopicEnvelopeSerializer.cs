using System.Buffers.Binary;
using System.Runtime.Serialization;
using Akka.Actor;
using Cluster.Contracts.Topics;
using static Cluster.Agents.Core.Wire.WireFormat;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The wire form of <see cref="TopicEnvelope"/> and <see cref="TopicBatch"/>, bound to them in the base HOCON: an
/// envelope's fields one after the other, the payload bytes as they are. The payload itself stays serialized by the
/// cluster's serializer, at the publisher.
/// </summary>
/// <remarks>
/// <para>Every message of the topic bus crosses the wire in an envelope. Through Hyperion, the envelope cost
/// about as much again as the payload inside it (a full type name, a serializer session and about 1 KB of garbage
/// each way), which cost the bus a quarter of DistributedPubSub's throughput; written directly it is a few copies.</para>
/// <para>Layout of an envelope: a format byte (1); topic, route (empty when it equals the topic) and sender as
/// length-prefixed UTF-8; the publish time as ticks and offset minutes; the payload's length and bytes. A batch: a
/// format byte (2), the number of envelopes, then each envelope as above without its format byte. Integers are
/// little-endian. <see cref="TopicEnvelope.LocalPayload"/> is not written. An envelope whose payload travels
/// over the data lane has -1 for the payload's length, then its <see cref="LaneRef"/>: the node as a string, the id and
/// the length as 64-bit integers, the number of target nodes and each as a string. An envelope whose payload is raw
/// bytes (not serialized) has -2 there, then the payload's length and bytes. An envelope with
/// <see cref="TopicEnvelope.LaneCopies"/> has -3 first, then their number and each as a string, then the rest as above. A
/// <see cref="TopicEnvelope.Fence"/> has -4 there, then its node as a string and its number as a 64-bit integer.</para>
/// </remarks>
public sealed class TopicEnvelopeSerializer : AkkaSerializer
{
    /// <summary>The identifier under which the base HOCON registers this serializer.</summary>
    public const int Id = 442;

    private const byte EnvelopeFormat = 1;
    private const byte BatchFormat = 2;
    private const int LaneMarker = -1;
    private const int RawMarker = -2;
    private const int CopiesMarker = -3;
    private const int FenceMarker = -4;

    /// <summary>Creates the serializer; Akka calls this from configuration.</summary>
    /// <param name="system">The actor system.</param>
    public TopicEnvelopeSerializer(ExtendedActorSystem system)
        : base(system)
    {
        // Akka creates a node's serializers when it starts, before any message arrives: the framework's own
        // assemblies join the allow-list here, so the contracts below need not name them.
        Cluster.Contracts.Serialization.SerializationAllowList.RegisterFamily("Cluster.Agents.");
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => false;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        switch (obj)
        {
            case TopicEnvelope envelope:
            {
                var bytes = new byte[1 + Size(envelope)];
                bytes[0] = EnvelopeFormat;
                Write(bytes.AsSpan(1), envelope);
                return bytes;
            }

            case TopicBatch batch:
            {
                var size = 1 + sizeof(int);
                foreach (var envelope in batch.Envelopes)
                {
                    size += Size(envelope);
                }

                var bytes = new byte[size];
                bytes[0] = BatchFormat;
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), batch.Envelopes.Count);
                var at = 1 + sizeof(int);
                foreach (var envelope in batch.Envelopes)
                {
                    at += Write(bytes.AsSpan(at), envelope);
                }

                return bytes;
            }

            default:
                throw new ArgumentException(
                    $"{nameof(TopicEnvelopeSerializer)} writes only {nameof(TopicEnvelope)} and {nameof(TopicBatch)}, not {obj?.GetType().FullName ?? "null"}.",
                    nameof(obj));
        }
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            ReadOnlySpan<byte> span = bytes;
            var at = 1;
            switch (span[0])
            {
                case EnvelopeFormat:
                    return Read(span, ref at);
                case BatchFormat:
                {
                    var count = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
                    at += sizeof(int);
                    if (count < 0 || count > bytes.Length)
                    {
                        throw new ArgumentException($"a batch cannot hold {count} envelopes");
                    }

                    var envelopes = new TopicEnvelope[count];
                    for (var i = 0; i < count; i++)
                    {
                        envelopes[i] = Read(span, ref at);
                    }

                    return new TopicBatch(envelopes);
                }

                default:
                    throw new SerializationException($"Unknown topic envelope format {span[0]}; this node reads formats {EnvelopeFormat} and {BatchFormat}.");
            }
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException)
        {
            throw Malformed("topic envelope", bytes.Length, e);
        }
    }

    private static string RouteToWrite(TopicEnvelope envelope) =>
        string.Equals(envelope.Route, envelope.Topic, StringComparison.Ordinal) ? "" : envelope.Route;

    private static int Size(TopicEnvelope envelope) =>
        StringSize(envelope.Topic) + StringSize(RouteToWrite(envelope)) + StringSize(envelope.Sender)
        + sizeof(long) + sizeof(short) + sizeof(int)
        + (envelope.Fence is { } fence ? StringSize(fence.Node) + sizeof(long)
            : envelope.Lane is { } lane ? LaneSize(lane) : envelope.Payload.Length + (envelope.RawPayload ? sizeof(int) : 0))
        + (envelope.LaneCopies.Count > 0 ? CopiesSize(envelope.LaneCopies) : 0);

    private static int CopiesSize(IReadOnlyList<string> copies)
    {
        var size = sizeof(int) + sizeof(int);
        foreach (var copy in copies)
        {
            size += StringSize(copy);
        }

        return size;
    }

    // A lane reference stands where the payload's bytes would: its length field is -1.
    private static int LaneSize(LaneRef lane)
    {
        var size = StringSize(lane.Node) + sizeof(long) + sizeof(long) + sizeof(int);
        foreach (var target in lane.Targets)
        {
            size += StringSize(target);
        }

        return size;
    }

    private static int Write(Span<byte> span, TopicEnvelope envelope)
    {
        var at = WriteString(span, envelope.Topic);
        at += WriteString(span[at..], RouteToWrite(envelope));
        at += WriteString(span[at..], envelope.Sender);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], envelope.PublishedAt.Ticks);
        at += sizeof(long);
        BinaryPrimitives.WriteInt16LittleEndian(span[at..], (short)envelope.PublishedAt.TotalOffsetMinutes);
        at += sizeof(short);
        if (envelope.Fence is { } fence)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], FenceMarker);
            at += sizeof(int);
            at += WriteString(span[at..], fence.Node);
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], fence.Number);
            return at + sizeof(long);
        }

        if (envelope.LaneCopies.Count > 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], CopiesMarker);
            at += sizeof(int);
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], envelope.LaneCopies.Count);
            at += sizeof(int);
            foreach (var copy in envelope.LaneCopies)
            {
                at += WriteString(span[at..], copy);
            }
        }

        if (envelope.Lane is { } lane)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], LaneMarker);
            at += sizeof(int);
            at += WriteString(span[at..], lane.Node);
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], lane.Id);
            at += sizeof(long);
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], lane.Length);
            at += sizeof(long);
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], lane.Targets.Count);
            at += sizeof(int);
            foreach (var target in lane.Targets)
            {
                at += WriteString(span[at..], target);
            }

            return at;
        }

        if (envelope.RawPayload)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], RawMarker);
            at += sizeof(int);
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], envelope.Payload.Length);
        at += sizeof(int);
        envelope.Payload.CopyTo(span[at..]);
        return at + envelope.Payload.Length;
    }

    private static TopicEnvelope Read(ReadOnlySpan<byte> span, ref int at)
    {
        var topic = ReadString(span, ref at);
        var route = ReadString(span, ref at);
        var sender = ReadString(span, ref at);
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
        at += sizeof(long);
        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(span[at..]));
        at += sizeof(short);
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += sizeof(int);
        if (length == FenceMarker)
        {
            var node = ReadString(span, ref at);
            var number = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            at += sizeof(long);
            return new TopicEnvelope(topic, route.Length == 0 ? topic : route, sender, new DateTimeOffset(ticks, offset), []) { Fence = new LaneFence(node, number) };
        }

        IReadOnlyList<string> copies = [];
        if (length == CopiesMarker)
        {
            var count = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += sizeof(int);
            if (count < 0 || count > span.Length - at)
            {
                throw new ArgumentException($"an envelope cannot name {count} lane copies");
            }

            var names = new string[count];
            for (var i = 0; i < count; i++)
            {
                names[i] = ReadString(span, ref at);
            }

            copies = names;
            length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += sizeof(int);
        }

        if (length == LaneMarker)
        {
            var node = ReadString(span, ref at);
            var id = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            at += sizeof(long);
            var laneLength = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            at += sizeof(long);
            var count = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += sizeof(int);
            if (count < 0 || count > span.Length - at)
            {
                throw new ArgumentException($"a lane reference cannot name {count} nodes");
            }

            var targets = new string[count];
            for (var i = 0; i < count; i++)
            {
                targets[i] = ReadString(span, ref at);
            }

            return new TopicEnvelope(topic, route.Length == 0 ? topic : route, sender, new DateTimeOffset(ticks, offset), [])
            {
                Lane = new LaneRef(node, id, laneLength, targets),
                LaneCopies = copies,
            };
        }

        var raw = length == RawMarker;
        if (raw)
        {
            length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += sizeof(int);
        }

        var payload = span.Slice(at, length).ToArray();
        at += length;
        return new TopicEnvelope(topic, route.Length == 0 ? topic : route, sender, new DateTimeOffset(ticks, offset), payload) { RawPayload = raw, LaneCopies = copies };
    }
}
