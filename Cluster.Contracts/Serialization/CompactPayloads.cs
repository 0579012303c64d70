using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using Cluster.Contracts.Commands;

namespace Cluster.Contracts.Serialization;

/// <summary>
/// Hand-written wire forms of the contracts that cross on every step of a hot path (a command's replies), which the call
/// serializer writes in place of Hyperion's: a form number, then the fields in order, without the type names and object
/// headers Hyperion writes and reads back for every message.
/// </summary>
/// <remarks>
/// Only the forms listed here can be read, so bytes from a peer never name a type to create. Integers are little-endian;
/// a string is its UTF-8 length (-1 for null) and bytes.
/// </remarks>
public static class CompactPayloads
{
    private const byte CommandReplyForm = 1;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="value"/> in its compact form, its form number first.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The bytes, or null when the value's type has no compact form.</returns>
    public static byte[]? TryWrite(object value) => value switch
    {
        CommandReply reply => Write(reply),
        _ => null,
    };

    /// <summary>Reads bytes written by <see cref="TryWrite"/>.</summary>
    /// <param name="bytes">The bytes, form number first.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SerializationException">The form number is unknown or the bytes are malformed.</exception>
    public static object Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw new SerializationException("A compact payload is empty.");
        }

        try
        {
            return bytes[0] switch
            {
                CommandReplyForm => ReadCommandReply(bytes[1..]),
                _ => throw new SerializationException($"Unknown compact payload form {bytes[0]}."),
            };
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or ArgumentException or IndexOutOfRangeException or DecoderFallbackException)
        {
            throw new SerializationException($"A compact payload of form {bytes[0]} and {bytes.Length} bytes is malformed: {e.Message}", e);
        }
    }

    private static byte[] Write(CommandReply reply)
    {
        var size = 1 + sizeof(long) + StringSize(reply.CommanderId) + sizeof(char) + StringSize(reply.Sender) + 1 + StringSize(reply.Data)
            + sizeof(int) + 1 + sizeof(long) + sizeof(short);
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        span[0] = CommandReplyForm;
        var at = 1;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], reply.CommandId);
        at += sizeof(long);
        at += WriteString(span[at..], reply.CommanderId);
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], reply.Code);
        at += sizeof(char);
        at += WriteString(span[at..], reply.Sender);
        span[at++] = reply.Internal ? (byte)1 : (byte)0;
        at += WriteString(span[at..], reply.Data);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], (int)reply.Status);
        at += sizeof(int);
        span[at++] = reply.Broadcast ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], reply.Time.UtcTicks);
        at += sizeof(long);
        BinaryPrimitives.WriteInt16LittleEndian(span[at..], (short)reply.Time.TotalOffsetMinutes);
        return bytes;
    }

    private static CommandReply ReadCommandReply(ReadOnlySpan<byte> span)
    {
        var at = 0;
        var commandId = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
        at += sizeof(long);
        var commanderId = ReadString(span, ref at);
        var code = (char)BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        at += sizeof(char);
        var sender = ReadString(span, ref at) ?? throw new SerializationException("A command reply has no sender.");
        var isInternal = span[at++] == 1;
        var data = ReadString(span, ref at) ?? throw new SerializationException("A command reply has no data.");
        var status = (CommandStatus)BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += sizeof(int);
        var broadcast = span[at++] == 1;
        var utcTicks = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
        at += sizeof(long);
        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(span[at..]));
        var time = new DateTimeOffset(utcTicks + offset.Ticks, offset);
        return new CommandReply(commandId, commanderId, code, sender, isInternal, data, status, broadcast, time);
    }

    private static int StringSize(string? value) => sizeof(int) + (value is null ? 0 : Utf8.GetByteCount(value));

    private static int WriteString(Span<byte> span, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span, -1);
            return sizeof(int);
        }

        var length = Utf8.GetBytes(value, span[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        return sizeof(int) + length;
    }

    private static string? ReadString(ReadOnlySpan<byte> span, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += sizeof(int);
        if (length < 0)
        {
            return null;
        }

        var value = Utf8.GetString(span.Slice(at, length));
        at += length;
        return value;
    }
}
