using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Commands;

namespace Cluster.Contracts.Serialization;

/// <summary>
/// Hand-written wire forms of the contracts that cross on every step of a hot path (a command's request and its replies), which the call
/// serializer writes in place of Hyperion's: a form number, then the fields in order, without the type names and object
/// headers Hyperion writes and reads back for every message.
/// </summary>
/// <remarks>
/// Only the forms listed here can be read, so bytes from a peer never name a type to create. Integers are little-endian;
/// a string is its UTF-8 length (-1 for null) and bytes. An <see cref="EndpointCall"/> has a compact form only when each of its
/// arguments has one (a command actor's <c>command</c> and <c>cancel</c> endpoints); each argument is its length (-1 for null)
/// and its own form.
/// </remarks>
public static class CompactPayloads
{
    private const byte CommandReplyForm = 1;
    private const byte EndpointCallForm = 2;
    private const byte CommandRequestForm = 3;
    private const byte CancelCommandForm = 4;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="value"/> in its compact form, its form number first.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The bytes, or null when the value's type has no compact form.</returns>
    public static byte[]? TryWrite(object value) => value switch
    {
        CommandReply reply => Write(reply),
        CommandRequest request => Write(request),
        CancelCommand cancel => Write(cancel),
        EndpointCall call => Write(call),
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
                EndpointCallForm => ReadEndpointCall(bytes[1..]),
                CommandRequestForm => ReadCommandRequest(bytes[1..]),
                CancelCommandForm => ReadCancelCommand(bytes[1..]),
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

    private static byte[]? Write(EndpointCall call)
    {
        var args = new byte[]?[call.Args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            if (call.Args[i] is { } arg)
            {
                // An argument without a form of its own leaves the whole call to the cluster's serializer.
                if (arg is EndpointCall || TryWrite(arg) is not { } form)
                {
                    return null;
                }

                args[i] = form;
            }
        }

        var bytes = new byte[1 + StringSize(call.Endpoint) + sizeof(int) + args.Sum(arg => sizeof(int) + (arg?.Length ?? 0))];
        var span = bytes.AsSpan();
        span[0] = EndpointCallForm;
        var at = 1 + WriteString(span[1..], call.Endpoint);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], args.Length);
        at += sizeof(int);
        foreach (var arg in args)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], arg?.Length ?? -1);
            at += sizeof(int);
            if (arg is not null)
            {
                arg.CopyTo(span[at..]);
                at += arg.Length;
            }
        }

        return bytes;
    }

    private static EndpointCall ReadEndpointCall(ReadOnlySpan<byte> span)
    {
        var at = 0;
        var endpoint = ReadString(span, ref at) ?? throw new SerializationException("An endpoint call has no endpoint.");
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += sizeof(int);
        if (count < 0 || count > span.Length)
        {
            throw new SerializationException($"An endpoint call claims {count} arguments in {span.Length} bytes.");
        }

        var args = new object?[count];
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            at += sizeof(int);
            if (length < 0)
            {
                continue;
            }

            var arg = span.Slice(at, length);
            args[i] = arg.Length > 0 && arg[0] == EndpointCallForm
                ? throw new SerializationException("An endpoint call's argument is itself an endpoint call.")
                : Read(arg);
            at += length;
        }

        return new EndpointCall(endpoint, args);
    }

    private static byte[] Write(CommandRequest request)
    {
        var bytes = new byte[1 + StringSize(request.CommandString) + StringSize(request.CommanderId) + sizeof(long) + 1 + sizeof(long)];
        var span = bytes.AsSpan();
        span[0] = CommandRequestForm;
        var at = 1 + WriteString(span[1..], request.CommandString);
        at += WriteString(span[at..], request.CommanderId);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], request.CommandId);
        at += sizeof(long);
        span[at++] = request.TimeLimit is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], request.TimeLimit?.Ticks ?? 0);
        return bytes;
    }

    private static CommandRequest ReadCommandRequest(ReadOnlySpan<byte> span)
    {
        var at = 0;
        var commandString = ReadString(span, ref at) ?? throw new SerializationException("A command request has no command string.");
        var commanderId = ReadString(span, ref at) ?? throw new SerializationException("A command request has no commander.");
        var commandId = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
        at += sizeof(long);
        var hasLimit = span[at++] == 1;
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
        return new CommandRequest(commandString, commanderId, commandId, hasLimit ? TimeSpan.FromTicks(ticks) : null);
    }

    private static byte[] Write(CancelCommand cancel)
    {
        var bytes = new byte[1 + StringSize(cancel.CommanderId) + sizeof(long)];
        var span = bytes.AsSpan();
        span[0] = CancelCommandForm;
        var at = 1 + WriteString(span[1..], cancel.CommanderId);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], cancel.CommandId);
        return bytes;
    }

    private static CancelCommand ReadCancelCommand(ReadOnlySpan<byte> span)
    {
        var at = 0;
        var commanderId = ReadString(span, ref at) ?? throw new SerializationException("A cancel has no commander.");
        return new CancelCommand(commanderId, BinaryPrimitives.ReadInt64LittleEndian(span[at..]));
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
