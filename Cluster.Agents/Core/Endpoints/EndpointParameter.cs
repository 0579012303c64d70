namespace Cluster.Agents.Core.Endpoints;

/// <summary>One parameter of an <see cref="Endpoint"/>: its name and type, and its default when it may be left out.</summary>
/// <param name="Name">The parameter's name, as errors give it.</param>
/// <param name="Type">The type every argument is converted to before the handler runs.</param>
/// <param name="IsOptional">Whether a call may leave it out (and the ones after it).</param>
/// <param name="DefaultValue">The value given when it is left out.</param>
public sealed record EndpointParameter(string Name, Type Type, bool IsOptional = false, object? DefaultValue = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type.Name} {Name}";
}
