using System.Text.Json.Nodes;

namespace Cluster.Agents.Commands;

/// <summary>One output of a keyword, as the <see cref="KeywordStore"/> keeps it.</summary>
/// <param name="Name">The keyword's name.</param>
/// <param name="Code">The message code of the reply that carried it.</param>
/// <param name="Time">When it was written, on the actor's clock.</param>
/// <param name="Value">Its value.</param>
public sealed record KeywordRecord(string Name, char Code, DateTimeOffset Time, JsonNode? Value);
