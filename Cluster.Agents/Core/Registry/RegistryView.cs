using System.Collections.Immutable;

namespace Cluster.Agents.Core.Registry;

/// <summary>An immutable snapshot of the cluster-wide view: the winning registration of every name.</summary>
internal sealed class RegistryView
{
    public static readonly RegistryView Empty = new(ImmutableSortedDictionary.Create<string, RegistryEntry>(StringComparer.Ordinal));

    private IReadOnlyList<RegistryEntry>? _entries;

    public RegistryView(ImmutableSortedDictionary<string, RegistryEntry> byName) => ByName = byName;

    public ImmutableSortedDictionary<string, RegistryEntry> ByName { get; }

    // Built on first use: readers on other threads may both build it, which is harmless.
    public IReadOnlyList<RegistryEntry> Entries => _entries ??= [.. ByName.Values];
}
