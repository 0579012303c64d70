namespace Cluster.Contracts.Demo;

/// <summary>A demo agent's sign of life, published once per interval.</summary>
/// <param name="Node">The address of the node that sent it.</param>
/// <param name="Agent">The name of the agent that sent it.</param>
/// <param name="Sequence">Counts up from 1 for each heartbeat of one agent.</param>
/// <param name="SentAt">When it was sent, by the sending node's time.</param>
public sealed record Heartbeat(string Node, string Agent, long Sequence, DateTimeOffset SentAt) : IClusterMessage;
