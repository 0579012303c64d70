using Akka.Actor;

namespace Cluster.Agents.Core.Registry;

/// <summary>Who holds a registered name, and where.</summary>
/// <param name="Name">The registered name, e.g. <c>drive</c> or <c>/rover/arm/position</c>.</param>
/// <param name="Kind">What the name stands for, e.g. <c>device</c> or <c>agent</c>.</param>
/// <param name="Owner">The actor registered under the name; it lives on <paramref name="Node"/>.</param>
/// <param name="Node">The address of the node that holds the registration.</param>
/// <param name="RegisteredAt">When that node registered it (UTC, that node's clock); the earliest wins a conflict.</param>
public sealed record RegistryEntry(string Name, string Kind, IActorRef Owner, Address Node, DateTimeOffset RegisteredAt)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} '{Name}' on {Node}";
}
