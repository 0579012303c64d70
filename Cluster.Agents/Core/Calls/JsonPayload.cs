using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cluster.Agents.Core.Calls;

/// <summary>Converts payloads to and from JSON for the operator verbs and other external surfaces.</summary>
public static class JsonPayload
{
    // Enums read and write by name, as an operator types them.
    private static readonly JsonSerializerOptions Options = new() { IncludeFields = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>Renders a payload as one line of JSON; a payload JSON cannot render becomes its text as a JSON string.</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>The JSON.</returns>
    public static string ToJson(object? payload)
    {
        try
        {
            return JsonSerializer.Serialize(payload, payload?.GetType() ?? typeof(object), Options);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException)
        {
            return JsonSerializer.Serialize(payload?.ToString());
        }
    }

    /// <summary>
    /// Reads JSON as plain values: numbers as <see cref="long"/> when integral else <see cref="double"/>,
    /// strings, booleans, null, arrays as <c>object?[]</c> and objects as <c>Dictionary&lt;string, object?&gt;</c>.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The text is not JSON; the message quotes it.</exception>
    public static object? FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return ToValue(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"'{json}' is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // An unpaired surrogate cannot become UTF-8, which the reader needs.
            throw new FormatException($"'{json}' is not valid JSON: it is not valid Unicode ({e.Message})", e);
        }
    }

    /// <summary>Reads JSON as an instance of <paramref name="type"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="type">The type.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The text is not JSON for that type; the message names both.</exception>
    public static object? FromJson(string json, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type, Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new FormatException($"'{json}' is not valid JSON for {type.FullName}: {e.Message}", e);
        }
    }

    private static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        // Boxed apart: a conditional of long and double would be a double either way.
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? (object)integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToArray(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToValue(p.Value)),
        _ => null,
    };
}
