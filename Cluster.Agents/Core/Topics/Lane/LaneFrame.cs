using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The lane's wire format. A connection opens with a preamble: the magic <c>CLN2</c>, the sending node's address
/// (16-bit length and UTF-8) and the id of the first message it will send (64-bit). Then messages one after the
/// other, each a header (kind 1, flags, two reserved bytes, id and payload length (64-bit), the publish time as ticks
/// (64-bit) and offset minutes (16-bit), the lengths of the topic and of the sender (16-bit each), then the topic and
/// the sender in UTF-8) followed by the payload in chunks, each a 32-bit length and at most the chunk size of bytes,
/// until the length is reached (an empty payload has no chunk). Integers are little-endian.
/// </summary>
internal static class LaneFrame
{
    public const int HeaderSize = 1 + 1 + 2 + 8 + 8 + 8 + 2 + 2 + 2;
    public const byte PayloadKind = 1;

    /// <summary>The payload is raw bytes (a <c>byte[]</c> or a loan), not an object serialized by the cluster's serializer.</summary>
    public const byte RawFlag = 1;

    /// <summary>
    /// The first message to its node after the publishing node switched it onto the lane: the receiving node holds
    /// it, and what follows it from that node, until the <see cref="Cluster.Contracts.Topics.LaneFence"/> with its id
    /// has come through DistributedPubSub (see <see cref="RouteSink"/>).
    /// </summary>
    public const byte FenceFlag = 2;

    private static readonly byte[] Magic = "CLN2"u8.ToArray();
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Preamble(string node, long firstId)
    {
        var name = Utf8.GetBytes(node);
        var bytes = new byte[4 + 2 + name.Length + 8];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), checked((ushort)name.Length));
        name.CopyTo(bytes, 6);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(6 + name.Length), firstId);
        return bytes;
    }

    public static async Task<(string Node, long FirstId)> ReadPreambleAsync(LaneReader reader, CancellationToken cancellationToken)
    {
        var start = new byte[6];
        await reader.ReadExactlyAsync(start, cancellationToken).ConfigureAwait(false);
        if (!start.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new InvalidDataException("The connection is not a topic lane of this version (no CLN2 preamble).");
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(start.AsSpan(4));
        var name = new byte[length + 8];
        await reader.ReadExactlyAsync(name, cancellationToken).ConfigureAwait(false);
        return (Utf8.GetString(name, 0, length), BinaryPrimitives.ReadInt64LittleEndian(name.AsSpan(length)));
    }

    /// <summary>Writes a message's header into <paramref name="into"/>; returns its size.</summary>
    public static int WriteHeader(Span<byte> into, byte flags, long id, long length, DateTimeOffset publishedAt, string topic, string sender)
    {
        into[0] = PayloadKind;
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

        if (scratch[0] != PayloadKind)
        {
            throw new InvalidDataException($"Unknown lane frame kind {scratch[0]}.");
        }

        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(scratch.AsSpan(30));
        var senderLength = BinaryPrimitives.ReadUInt16LittleEndian(scratch.AsSpan(32));
        var flags = scratch[1];
        var id = BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(4));
        var length = BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(12));
        var publishedAt = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(20)), TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(scratch.AsSpan(28))));
        var text = topicLength + senderLength <= scratch.Length ? scratch.AsMemory(0, topicLength + senderLength) : new byte[topicLength + senderLength];
        await reader.ReadExactlyAsync(text, cancellationToken).ConfigureAwait(false);
        return new Header(flags, id, length, publishedAt, names.Topic(text.Span[..topicLength]), names.Sender(text.Span[topicLength..]));
    }

    /// <summary>Reads the next message's header from what is buffered already, without waiting; null when not all of it is.</summary>
    public static Header? TryReadHeader(LaneReader reader, Names names)
    {
        var span = reader.Buffered;
        if (span.Length < HeaderSize)
        {
            return null;
        }

        if (span[0] != PayloadKind)
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
            names.Sender(span.Slice(HeaderSize + topicLength, senderLength)));
        reader.Advance(size);
        return header;
    }

    /// <summary>A message's header as read.</summary>
    public sealed record Header(byte Flags, long Id, long Length, DateTimeOffset PublishedAt, string Topic, string Sender);

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
