using System.Collections.Immutable;

namespace Cluster.Contracts.Operator;

/// <summary>Asks one node what <c>doctor</c> compares between nodes: its version, clock mode and serializers.</summary>
public sealed record GetNodeReport : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly GetNodeReport Instance = new();

    private GetNodeReport()
    {
    }
}

/// <summary>Asks a node to gather <see cref="NodeReport"/>s from every member it sees Up.</summary>
public sealed record DescribeNodes : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly DescribeNodes Instance = new();

    private DescribeNodes()
    {
    }
}

/// <summary>What one node says of itself.</summary>
/// <param name="Address">The node's address.</param>
/// <param name="Version">The framework's version on the node, with Akka's.</param>
/// <param name="ClockMode">The node's <c>cluster-node.clock.mode</c>.</param>
/// <param name="Serializers">A digest of the node's serializers and their bindings; nodes must agree on it to talk.</param>
/// <param name="Roles">The node's roles, comma-separated.</param>
public sealed record NodeReport(string Address, string Version, string ClockMode, string Serializers, string Roles) : IClusterMessage;

/// <summary>The answer to <see cref="DescribeNodes"/>.</summary>
/// <param name="Reports">The reports, ordered by address.</param>
/// <param name="Silent">The members that did not answer in time.</param>
/// <param name="Unreachable">The members the answering node sees unreachable, with their status.</param>
public sealed record NodeReports(ImmutableArray<NodeReport> Reports, ImmutableArray<string> Silent, ImmutableArray<string> Unreachable) : IClusterMessage;
