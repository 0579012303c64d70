namespace Cluster.Contracts.Rpc;

/// <summary>Asks an agent to run one of its exposed members; it travels as the payload of a call request.</summary>
/// <param name="Path">The member's path from the agent, segments separated by <c>/</c>, e.g. <c>eggs/cook</c>.</param>
/// <param name="Args">The arguments, in the member's parameter order; agent references travel as agent addresses.</param>
public sealed record AgentCall(string Path, object?[] Args) : IClusterMessage;
