using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Agents.Commands;

/// <summary>Turns what a writer was given into a reply's keywords, by clu's rules.</summary>
internal static class Keywords
{
    // As clu's json.dumps: quotes and non-ASCII text stay readable instead of becoming \u escapes.
    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds the keywords: null is none; a string is <c>text</c> (<c>error</c> for codes e and f); an exception is <c>error</c>; a dictionary is itself.</summary>
    /// <exception cref="ArgumentException">The message is neither a string nor a dictionary with string keys.</exception>
    public static JsonObject From(object? message, char code, string defaultKeyword = "text")
    {
        switch (message)
        {
            case null:
                return [];
            case string text:
                return new JsonObject { [code is MessageCodes.Error or MessageCodes.Failed ? "error" : defaultKeyword] = text };
            case Exception exception:
                return new JsonObject { ["error"] = $"{exception.GetType().Name}: {exception.Message}" };
            case JsonObject json:
                return (JsonObject)json.DeepClone();
            case IDictionary dictionary:
                var keywords = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Key is not string key)
                    {
                        throw new ArgumentException($"A reply's keywords must have string names; a key was a {entry.Key.GetType().Name} ({entry.Key}).", nameof(message));
                    }

                    keywords[key] = ToNode(entry.Value);
                }

                return keywords;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var fromPairs = new JsonObject();
                foreach (var (key, value) in pairs)
                {
                    fromPairs[key] = ToNode(value);
                }

                return fromPairs;
            default:
                throw new ArgumentException(
                    $"A reply's message must be a string or a dictionary of keywords; it was a {message.GetType().Name} ({message}).", nameof(message));
        }
    }

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        Exception exception => JsonValue.Create($"{exception.GetType().Name}: {exception.Message}"),
        _ => JsonSerializer.SerializeToNode(value, value.GetType()),
    };

    public static JsonObject Parse(string data) =>
        JsonNode.Parse(data) as JsonObject ?? throw new FormatException($"A reply's data must be a JSON object; it was {data}.");
}
