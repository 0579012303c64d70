using System.Collections.Immutable;

namespace Cluster.Contracts.Operator;

/// <summary>Asks for the agents of every host's container, cluster-wide.</summary>
public sealed record ListAgents : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly ListAgents Instance = new();

    private ListAgents()
    {
    }
}

/// <summary>Asks one node for the agents of its own container.</summary>
public sealed record GetLocalAgents : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly GetLocalAgents Instance = new();

    private GetLocalAgents()
    {
    }
}

/// <summary>The reply to <see cref="ListAgents"/> and <see cref="GetLocalAgents"/>.</summary>
/// <param name="Agents">The agents, ordered by address.</param>
/// <param name="Silent">The host nodes that did not answer in time, whose agents are missing; empty for one node's own list.</param>
public sealed record AgentList(ImmutableArray<AgentListing> Agents, ImmutableArray<string> Silent) : IClusterMessage;

/// <summary>One agent of a container.</summary>
/// <param name="Address">The agent's address, e.g. <c>agent://robot@10.0.0.2:4053/7</c>.</param>
/// <param name="Type">The agent's full type name.</param>
public sealed record AgentListing(string Address, string Type) : IClusterMessage;
