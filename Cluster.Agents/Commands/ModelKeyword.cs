using System.Text.Json.Nodes;

namespace Cluster.Agents.Commands;

/// <summary>The latest value of one keyword in a client's model of an actor.</summary>
/// <param name="Name">The keyword's name.</param>
/// <param name="Value">Its value; nested dictionaries are the merge of every update.</param>
/// <param name="LastSeen">When a reply last carried it, as the actor stamped the reply.</param>
/// <param name="InSchema">Whether the actor's schema declares it; a keyword outside the schema is kept and marked false.</param>
public sealed record ModelKeyword(string Name, JsonNode? Value, DateTimeOffset LastSeen, bool InSchema);
