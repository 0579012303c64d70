using Akka.Actor;

namespace Cluster.Agents.Hosting;

/// <summary>One agent a host spawns at start: its actor name, its actor type and its bound settings.</summary>
/// <param name="Name">The actor name, unique on the node.</param>
/// <param name="ActorType">The actor type.</param>
/// <param name="Settings">The settings passed to the type's constructor, or null when it takes none.</param>
public sealed record AgentSpec(string Name, Type ActorType, object? Settings)
{
    /// <summary>Gets a value indicating whether the type is an RPC agent, spawned into the node's container rather than as an actor.</summary>
    public bool IsRpcAgent => typeof(Rpc.RpcAgent).IsAssignableFrom(ActorType);

    /// <summary>Gets the props that create the agent (an actor type only).</summary>
    public Props Props => Settings is null ? Props.Create(ActorType) : Props.Create(ActorType, Settings);
}
