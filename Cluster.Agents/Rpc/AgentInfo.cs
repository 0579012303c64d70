namespace Cluster.Agents.Rpc;

/// <summary>One agent of a container.</summary>
/// <param name="Address">The agent's address.</param>
/// <param name="Type">The agent's full type name.</param>
public sealed record AgentInfo(AgentAddress Address, string Type);
