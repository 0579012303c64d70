using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;

namespace Cluster.Agents.Core.Wire;

/// <summary>The primitives of the core's own wire formats: little-endian integers and length-prefixed UTF-8 strings.</summary>
internal static class WireFormat
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Gets how many bytes <see cref="WriteString"/> writes for <paramref name="value"/>.</summary>
    public static int StringSize(string value) => sizeof(int) + Utf8.GetByteCount(value);

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="span"/>; returns the bytes written.</summary>
    public static int WriteString(Span<byte> span, string value)
    {
        var length = Utf8.GetBytes(value, span[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        return sizeof(int) + length;
    }

    /// <summary>Reads a string written by <see cref="WriteString"/> at <paramref name="at"/>, and moves past it.</summary>
    public static string ReadString(ReadOnlySpan<byte> span, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += sizeof(int);
        var value = Utf8.GetString(span.Slice(at, length));
        at += length;
        return value;
    }

    /// <summary>The error for bytes that do not hold what their serializer expects.</summary>
    public static SerializationException Malformed(string what, int length, Exception cause) =>
        new($"A {what} of {length} bytes is malformed: {cause.Message}", cause);
}
