namespace Cluster.Agents.Commands;

/// <summary>Configures a <see cref="CommandActor"/>: its version, its schema, its keyword store and its TCP endpoint.</summary>
public sealed record CommandActorOptions
{
    /// <summary>Gets the version the <c>version</c> command reports.</summary>
    /// <value>The default is <c>unknown</c>.</value>
    public string Version { get; init; } = "unknown";

    /// <summary>Gets the JSON schema of the actor's keywords (a JSON object of type object); null for none.</summary>
    /// <value>The default is null: replies are not validated and <c>get-schema</c> fails.</value>
    public string? Schema { get; init; }

    /// <summary>Gets whether keywords outside the schema are allowed, when the schema does not say.</summary>
    /// <value>The default is false.</value>
    public bool AdditionalProperties { get; init; }

    /// <summary>Gets whether replies are validated against the schema; an invalid one is replaced by an <c>e</c> reply.</summary>
    /// <value>The default is true.</value>
    public bool Validate { get; init; } = true;

    /// <summary>Gets whether the actor keeps its keywords in a <see cref="KeywordStore"/>.</summary>
    /// <value>The default is false.</value>
    public bool Store { get; init; }

    /// <summary>Gets the keywords the store keeps; null keeps all.</summary>
    /// <value>The default is null.</value>
    public IReadOnlyList<string>? StoreKeywords { get; init; }

    /// <summary>Gets the TCP/JSON endpoint's options; null opens no port.</summary>
    /// <value>The default is null.</value>
    public CommandTcpOptions? Tcp { get; init; }
}
