using System.Collections.Immutable;

namespace Cluster.Contracts.Operator;

/// <summary>Asks a node's operator endpoint for the cluster's members as that node sees them.</summary>
public sealed record GetMembers : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly GetMembers Instance = new();

    private GetMembers()
    {
    }
}

/// <summary>The reply to <see cref="GetMembers"/>: every member known to the answering node.</summary>
/// <param name="AnsweredBy">The address of the node that answered.</param>
/// <param name="Members">The members, ordered by address.</param>
public sealed record MemberList(string AnsweredBy, ImmutableArray<MemberInfo> Members) : IClusterMessage;

/// <summary>One member of the cluster.</summary>
/// <param name="Address">The member's address, e.g. <c>akka.tcp://robot@10.0.0.2:4053</c>.</param>
/// <param name="Status">The member's status (Joining, Up, Leaving, Exiting, Down, Removed, WeaklyUp).</param>
/// <param name="Reachable">Whether the answering node can reach the member.</param>
/// <param name="Roles">The member's roles, e.g. <c>host</c> or <c>lighthouse</c>.</param>
/// <param name="UpSince">When the answering node first saw the member Up; null if it never has.</param>
public sealed record MemberInfo(
    string Address,
    string Status,
    bool Reachable,
    ImmutableArray<string> Roles,
    DateTimeOffset? UpSince) : IClusterMessage;
