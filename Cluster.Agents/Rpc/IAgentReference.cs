namespace Cluster.Agents.Rpc;

/// <summary>
/// A reference to an agent that can be passed to another agent or returned from one: every proxy (typed
/// or <see cref="AgentProxy"/>) implements it. It travels as its <see cref="Address"/>, and arrives as a proxy.
/// </summary>
public interface IAgentReference
{
    /// <summary>Gets the address of the agent.</summary>
    AgentAddress Address { get; }
}
