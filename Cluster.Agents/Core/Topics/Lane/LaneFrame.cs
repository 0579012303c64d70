using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The lane's wire format. A connection opens with a preamble: the magic <c>CLN1</c>, the sending node's address
/// (16-bit length and UTF-8) and the id of the first payload it will send (64-bit). Then payloads one after the
/// other, each a header (kind 1, flags, the number of routes it is for on the receiving node (16-bit), id and length
/// (64-bit), the topic (16-bit length and UTF-8)) followed by the bytes in chunks, each a 32-bit length and at most
/// the chunk size of bytes, until the length is reached. Integers are little-endian.
/// </summary>
internal static class LaneFrame
{
    public const int HeaderSize = 1 + 1 + 2 + 8 + 8 + 2;
    public const byte PayloadKind = 1;

    /// <summary>The payload is raw bytes (a <c>byte[]</c> or a loan), not an object serialized by the cluster's serializer.</summary>
    public const byte RawFlag = 1;

    private static readonly byte[] Magic = "CLN1"u8.ToArray();
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

    public static async Task<(string Node, long FirstId)> ReadPreambleAsync(Socket socket, byte[] scratch, CancellationToken cancellationToken)
    {
        await ReadExactlyAsync(socket, scratch.AsMemory(0, 6), cancellationToken).ConfigureAwait(false);
        if (!scratch.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new InvalidDataException("The connection is not a topic lane (no CLN1 preamble).");
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(scratch.AsSpan(4));
        var name = new byte[length + 8];
        await ReadExactlyAsync(socket, name, cancellationToken).ConfigureAwait(false);
        return (Utf8.GetString(name, 0, length), BinaryPrimitives.ReadInt64LittleEndian(name.AsSpan(length)));
    }

    /// <summary>Writes a payload's header into <paramref name="into"/>; returns its size.</summary>
    public static int WriteHeader(Span<byte> into, byte flags, int routes, long id, long length, string topic)
    {
        into[0] = PayloadKind;
        into[1] = flags;
        BinaryPrimitives.WriteUInt16LittleEndian(into[2..], checked((ushort)routes));
        BinaryPrimitives.WriteInt64LittleEndian(into[4..], id);
        BinaryPrimitives.WriteInt64LittleEndian(into[12..], length);
        var topicLength = Utf8.GetBytes(topic, into[HeaderSize..]);
        BinaryPrimitives.WriteUInt16LittleEndian(into[20..], checked((ushort)topicLength));
        return HeaderSize + topicLength;
    }

    public static int MaxHeaderSize(string topic) => HeaderSize + Utf8.GetMaxByteCount(topic.Length);

    public static async Task<Header?> ReadHeaderAsync(Socket socket, byte[] scratch, CancellationToken cancellationToken)
    {
        // The connection may end cleanly between two payloads: that is no loss.
        var first = await socket.ReceiveAsync(scratch.AsMemory(0, 1), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (first == 0)
        {
            return null;
        }

        await ReadExactlyAsync(socket, scratch.AsMemory(1, HeaderSize - 1), cancellationToken).ConfigureAwait(false);
        if (scratch[0] != PayloadKind)
        {
            throw new InvalidDataException($"Unknown lane frame kind {scratch[0]}.");
        }

        var topicLength = BinaryPrimitives.ReadUInt16LittleEndian(scratch.AsSpan(20));
        var topicBytes = topicLength <= scratch.Length - HeaderSize ? scratch.AsMemory(HeaderSize, topicLength) : new byte[topicLength];
        await ReadExactlyAsync(socket, topicBytes, cancellationToken).ConfigureAwait(false);
        return new Header(
            scratch[1],
            BinaryPrimitives.ReadUInt16LittleEndian(scratch.AsSpan(2)),
            BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(4)),
            BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(12)),
            Utf8.GetString(topicBytes.Span));
    }

    public static async ValueTask ReadExactlyAsync(Socket socket, Memory<byte> into, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < into.Length)
        {
            var count = await socket.ReceiveAsync(into[read..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                throw new EndOfStreamException($"The lane closed after {read} of {into.Length} bytes.");
            }

            read += count;
        }
    }

    /// <summary>A payload's header as read.</summary>
    public sealed record Header(byte Flags, int Routes, long Id, long Length, string Topic);
}
