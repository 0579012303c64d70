using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The lane's wire format. A connection opens with a preamble: the magic <c>CLN2</c>, the sending node's address
/// (16-bit length and UTF-8) and the id of the first message it will send (64-bit). A sending node that offers a
/// shared-memory ring opens with the magic <c>CLN3</c> instead, and after the id the length of the offer (16-bit)
/// and the offer: the ring's size (64-bit), its nonce (16 bytes), the machine identity and the ring file's path
/// (each a 16-bit length and UTF-8); so a lane without a ring reads as before. The receiving node answers an offer
/// with one byte, 1 when it mapped the ring and 0 when not. Then messages one after the other, each a header (kind,
/// flags, two reserved bytes, id and payload length (64-bit), the publish time as ticks (64-bit) and offset minutes
/// (16-bit), the lengths of the topic and of the sender (16-bit each), then the topic and the sender in UTF-8). A
/// header of kind 1 is followed by the payload in chunks, each a 32-bit length and at most the chunk size of bytes,
/// until the length is reached (an empty payload has no chunk); one of kind 2 by the 64-bit position in the ring
/// where the payload lies whole (at the position modulo the ring's size). The receiving node records in the ring
/// up to where it has taken payloads, and sends back, on the same connection, one byte (any value) whenever the
/// ring says the sender waits for that. Integers are little-endian.
/// </summary>
internal static class LaneFrame
{
    public const int HeaderSize = 1 + 1 + 2 + 8 + 8 + 8 + 2 + 2 + 2;
    public const byte PayloadKind = 1;

    /// <summary>The payload lies in the shared-memory ring; the header is followed by its position there.</summary>
    public const byte RingKind = 2;

    /// <summary>The payload is raw bytes (a <c>byte[]</c> or a loan), not an object serialized by the cluster's serializer.</summary>
    public const byte RawFlag = 1;

    /// <summary>
    /// The first message to its node after the publishing node switched it onto the lane: the receiving node holds
    /// it, and what follows it from that node, until the <see cref="Cluster.Contracts.Topics.LaneFence"/> with its id
    /// has come through DistributedPubSub (see <see cref="RouteSink"/>).
    /// </summary>
    public const byte FenceFlag = 2;

    private static readonly byte[] Magic = "CLN2"u8.ToArray();
    private static readonly byte[] OfferMagic = "CLN3"u8.ToArray();
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Preamble(string node, long firstId, RingOffer? offer = null)
    {
        var name = Utf8.GetBytes(node);
        var machine = offer is null ? [] : Utf8.GetBytes(offer.Machine);
        var path = offer is null ? [] : Utf8.GetBytes(offer.Path);
        var offerLength = offer is null ? 0 : 8 + SharedRing.NonceSize + 2 + machine.Length + 2 + path.Length;
        var bytes = new byte[4 + 2 + name.Length + 8 + (offer is null ? 0 : 2 + offerLength)];
        (offer is null ? Magic : OfferMagic).CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), checked((ushort)name.Length));
        name.CopyTo(bytes, 6);
        var at = 6 + name.Length;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), firstId);
        if (offer is not null)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 8), checked((ushort)offerLength));
            at += 10;
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), offer.Size);
            offer.Nonce.CopyTo(bytes, at + 8);
            at += 8 + SharedRing.NonceSize;
            at = WriteText(bytes, at, machine);
            WriteText(bytes, at, path);
        }

        return bytes;
    }

    public static async Task<(string Node, long FirstId, RingOffer? Offer)> ReadPreambleAsync(LaneReader reader, CancellationToken cancellationToken)
    {
        var start = new byte[6];
        await reader.ReadExactlyAsync(start, cancellationToken).ConfigureAwait(false);
        var offered = start.AsSpan(0, 4).SequenceEqual(OfferMagic);
        if (!offered && !start.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new InvalidDataException("The connection is not a topic lane of this version (no CLN2 or CLN3 preamble).");
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(start.AsSpan(4));
        var name = new byte[length + 8 + (offered ? 2 : 0)];
        await reader.ReadExactlyAsync(name, cancellationToken).ConfigureAwait(false);
        var node = Utf8.GetString(name, 0, length);
        var firstId = BinaryPrimitives.ReadInt64LittleEndian(name.AsSpan(length));
        if (!offered)
        {
            return (node, firstId, null);
        }

        var offer = new byte[BinaryPrimitives.ReadUInt16LittleEndian(name.AsSpan(length + 8))];
        await reader.ReadExactlyAsync(offer, cancellationToken).ConfigureAwait(false);
        try
        {
            var at = 8 + SharedRing.NonceSize;
            var machine = ReadText(offer, ref at);
            var path = ReadText(offer, ref at);
            return (node, firstId, new RingOffer(BinaryPrimitives.ReadInt64LittleEndian(offer), offer[8..(8 + SharedRing.NonceSize)], machine, path));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"The shared-memory offer of {offer.Length} bytes from {node} is cut short.");
        }
    }

    private static int WriteText(byte[] into, int at, byte[] text)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(into.AsSpan(at), checked((ushort)text.Length));
        text.CopyTo(into, at + 2);
        return at + 2 + text.Length;
    }

    private static string ReadText(byte[] from, ref int at)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(from.AsSpan(at));
        var text = Utf8.GetString(from.AsSpan(at + 2, length));
        at += 2 + length;
        return text;
    }

    /// <summary>Writes a message's header into <paramref name="into"/>; returns its size.</summary>
    public static int WriteHeader(Span<byte> into, byte flags, long id, long length, DateTimeOffset publishedAt, string topic, string sender, byte kind = PayloadKind)
    {
        into[0] = kind;
        into[1] = flags;
        BinaryPrimitives.WriteUInt16LittleEndian(into[2..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(into[4..], id);
        BinaryPrimitives.WriteInt64LittleEndian(into[12..], length);
        BinaryPrimitives.WriteInt64LittleEndian(into[20..], publishedAt.Ticks);
        BinaryPrimitives.WriteInt16LittleEndian(into[28..], (short)publishedAt.TotalOffsetMinutes);
        var topicLength = Utf8.GetBytes(topic, into[HeaderSize..]);
        var senderLength = Utf8.GetBytes(sender, into[(HeaderSize + topicLength)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(into[30..], checked((ushort)topicLength));
        BinaryPrimitives.WriteUInt16LittleEndian(into[32..], checked((ushort)senderLength));
        return HeaderSize + topicLength + senderLength;
    }

    public static int MaxHeaderSize(string topic, string sender) => HeaderSize + Utf8.GetMaxByteCount(topic.Length) + Utf8.GetMaxByteCount(sender.Length);

    /// <summary>Reads the next message's header, or null when the connection ended cleanly between two messages.</summary>
    /// <param name="reader">The connection.</param>
    /// <param name="scratch">At least <see cref="HeaderSize"/> bytes to read into.</param>
    /// <param name="names">The topic and sender of the previous message, reused while they repeat.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static async ValueTask<Header?> ReadHeaderAsync(LaneReader reader, byte[] scratch, Names names, CancellationToken cancellationToken)
    {
        // The connection may end cleanly between two messages: that is no loss.
        if (!await reader.ReadFirstAsync(scratch.AsMemory(0, HeaderSize), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var kind = scratch[0];
        if (kind is not (PayloadKind or RingKind))
        {
            throw new InvalidDataException($"Unknown lane frame kind {kind}.");
        }

        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(scratch.AsSpan(30));
        var senderLength = BinaryPrimitives.ReadUInt16LittleEndian(scratch.AsSpan(32));
        var flags = scratch[1];
        var id = BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(4));
        var length = BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(12));
        var publishedAt = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(20)), TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(scratch.AsSpan(28))));
        var text = topicLength + senderLength <= scratch.Length ? scratch.AsMemory(0, topicLength + senderLength) : new byte[topicLength + senderLength];
        await reader.ReadExactlyAsync(text, cancellationToken).ConfigureAwait(false);
        return new Header(flags, id, length, publishedAt, names.Topic(text.Span[..topicLength]), names.Sender(text.Span[topicLength..]), kind);
    }

    /// <summary>Reads the next message's header from what is buffered already, without waiting; null when not all of it is.</summary>
    public static Header? TryReadHeader(LaneReader reader, Names names)
    {
        var span = reader.Buffered;
        if (span.Length < HeaderSize)
        {
            return null;
        }

        if (span[0] is not (PayloadKind or RingKind))
        {
            throw new InvalidDataException($"Unknown lane frame kind {span[0]}.");
        }

        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(span[30..]);
        var senderLength = BinaryPrimitives.ReadUInt16LittleEndian(span[32..]);
        var size = HeaderSize + topicLength + senderLength;
        if (span.Length < size)
        {
            return null;
        }

        var header = new Header(
            span[1],
            BinaryPrimitives.ReadInt64LittleEndian(span[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[12..]),
            new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span[20..]), TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(span[28..]))),
            names.Topic(span.Slice(HeaderSize, topicLength)),
            names.Sender(span.Slice(HeaderSize + topicLength, senderLength)),
            span[0]);
        reader.Advance(size);
        return header;
    }

    /// <summary>A message's header as read.</summary>
    public sealed record Header(byte Flags, long Id, long Length, DateTimeOffset PublishedAt, string Topic, string Sender, byte Kind = PayloadKind);

    /// <summary>A sending node's offer of a shared-memory ring, in its preamble.</summary>
    /// <param name="Size">The ring's payload bytes.</param>
    /// <param name="Nonce">The random bytes the ring file starts with (after its magic).</param>
    /// <param name="Machine">The sending node's machine identity.</param>
    /// <param name="Path">The ring file.</param>
    public sealed record RingOffer(long Size, byte[] Nonce, string Machine, string Path);

    /// <summary>The last topic and sender read on one connection: a stream of one topic decodes its names once.</summary>
    public sealed class Names
    {
        private byte[] _topicBytes = [];
        private string _topic = "";
        private byte[] _senderBytes = [];
        private string _sender = "";

        public string Topic(ReadOnlySpan<byte> bytes) => Decode(bytes, ref _topicBytes, ref _topic);

        public string Sender(ReadOnlySpan<byte> bytes) => Decode(bytes, ref _senderBytes, ref _sender);

        private static string Decode(ReadOnlySpan<byte> bytes, ref byte[] last, ref string text)
        {
            if (!bytes.SequenceEqual(last))
            {
                text = Utf8.GetString(bytes);
                last = bytes.ToArray();
            }

            return text;
        }
    }
}
