namespace Cluster.Agents.Core.Registry;

/// <summary>A name this node holds; dispose it to unregister the name cluster-wide.</summary>
public sealed class Registration : IAsyncDisposable
{
    private readonly NameRegistry _registry;

    internal Registration(NameRegistry registry, RegistryEntry entry)
    {
        _registry = registry;
        Entry = entry;
    }

    /// <summary>Gets the registration as every node sees it.</summary>
    public RegistryEntry Entry { get; }

    /// <summary>Gets the registered name.</summary>
    public string Name => Entry.Name;

    /// <summary>Unregisters the name, unless it was already unregistered, revoked or its owner stopped.</summary>
    /// <returns>A task that completes when this node's view no longer holds this registration.</returns>
    public async ValueTask DisposeAsync() => await _registry.UnregisterAsync(Entry).ConfigureAwait(false);
}
