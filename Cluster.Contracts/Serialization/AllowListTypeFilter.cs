using System.Collections.Immutable;
using Hyperion;

namespace Cluster.Contracts.Serialization;

/// <summary>
/// Hyperion's type filter for one node: lets Hyperion load a type named on the wire only when
/// <see cref="SerializationAllowList"/> allows it, with the assemblies of the node's configuration besides.
/// </summary>
/// <remarks>Hyperion keeps every type it loaded, per serializer, so this runs once per allowed type name.</remarks>
internal sealed class AllowListTypeFilter : ITypeFilter
{
    private readonly ImmutableHashSet<string> _configured;

    public AllowListTypeFilter(IEnumerable<string> configured) =>
        _configured = [.. configured.Where(name => !string.IsNullOrWhiteSpace(name)).Select(name => name.Trim())];

    public IReadOnlySet<string> Configured => _configured;

    public bool IsAllowed(string typeName) => SerializationAllowList.Refusal(typeName, _configured) is null;
}
