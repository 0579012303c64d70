using System.Text;
using System.Text.Json;
using Cluster.Contracts.Commands;

namespace Cluster.Agents.Commands;

/// <summary>Writes a reply as clu's JSON actors do: <c>{"header": {"command_id", "commander_id", "message_code", "internal", "sender"}, "data": {...}}</c>.</summary>
public static class CommandReplyJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="reply"/> as one line of JSON, without the line break.</summary>
    /// <param name="reply">The reply.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(CommandReply reply)
    {
        var line = ToUtf8Line(reply);
        return Encoding.UTF8.GetString(line, 0, line.Length - 1);
    }

    internal static byte[] ToUtf8Line(CommandReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        using var buffer = new MemoryStream(128 + reply.Data.Length);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("header");
            if (reply.CommanderId is null)
            {
                json.WriteNull("command_id");
                json.WriteNull("commander_id");
            }
            else
            {
                json.WriteNumber("command_id", reply.CommandId);
                json.WriteString("commander_id", reply.CommanderId);
            }

            json.WriteString("message_code", reply.Code.ToString());
            json.WriteBoolean("internal", reply.Internal);
            json.WriteString("sender", reply.Sender);
            json.WriteEndObject();
            json.WritePropertyName("data");
            json.WriteRawValue(reply.Data, skipInputValidation: true);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
