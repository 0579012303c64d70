using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Cluster.Agents.Commands;

/// <summary>An actor's JSON schema for its keywords: loaded once, checked to be an object schema, and used to validate replies.</summary>
internal sealed class ActorSchema
{
    private static readonly (string Keyword, string Type)[] BuiltIn = [("text", "string"), ("error", "string"), ("help", "array"), ("version", "string"), ("schema", "string")];
    private readonly JsonSchema _schema;

    private ActorSchema(string text, JsonSchema schema, IReadOnlySet<string> properties)
    {
        Text = text;
        _schema = schema;
        Properties = properties;
    }

    public string Text { get; }

    public IReadOnlySet<string> Properties { get; }

    /// <exception cref="ArgumentException">The text is not a valid JSON schema, or not one of type object.</exception>
    public static ActorSchema Load(string text, bool additionalProperties)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text) as JsonObject ?? throw new ArgumentException("The schema is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The schema is not valid JSON: {e.Message}", nameof(text), e);
        }

        if (root["type"]?.GetValueKind() != JsonValueKind.String || root["type"]!.GetValue<string>() != "object")
        {
            throw new ArgumentException("Schema must be of type object.", nameof(text));
        }

        if (!root.ContainsKey("additionalProperties"))
        {
            root["additionalProperties"] = additionalProperties;
        }

        // The built-in commands answer with these keywords, so every schema knows them, as clu's base schema does.
        if (root["properties"] is not JsonObject declared)
        {
            root["properties"] = declared = [];
        }

        foreach (var (keyword, type) in BuiltIn)
        {
            if (!declared.ContainsKey(keyword))
            {
                declared[keyword] = new JsonObject { ["type"] = type };
            }
        }

        var normalized = root.ToJsonString();
        JsonSchema schema;
        try
        {
            schema = JsonSchema.FromText(normalized, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception e) when (e is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException or RefResolutionException)
        {
            throw new ArgumentException($"The schema is not a valid JSON schema: {e.Message}", nameof(text), e);
        }

        var properties = root["properties"] is JsonObject props ? props.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) : [];
        return new ActorSchema(normalized, schema, properties);
    }

    /// <summary>Validates one reply's keywords; returns null when valid, else what is wrong.</summary>
    public string? Validate(JsonObject keywords)
    {
        var element = JsonSerializer.SerializeToElement(keywords);
        var result = _schema.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var problems = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .ToList();
        return problems.Count == 0 ? "the reply does not match the schema" : string.Join("; ", problems);
    }
}
