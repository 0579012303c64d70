using Akka.Actor;

namespace Cluster.Agents.Core.Clocks;

/// <summary>The extension id of <see cref="NodeClock"/>; use <see cref="NodeClock.Get"/> rather than this type.</summary>
public sealed class NodeClockProvider : ExtensionIdProvider<NodeClock>
{
    /// <summary>Creates the node's clock for <paramref name="system"/>.</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>The extension.</returns>
    public override NodeClock CreateExtension(ExtendedActorSystem system) => new(system);
}
