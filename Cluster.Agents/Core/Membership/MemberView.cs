using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;

namespace Cluster.Agents.Core.Membership;

/// <summary>What the downing rule needs to know of a member.</summary>
/// <param name="Address">The member's address.</param>
/// <param name="Roles">Its roles, e.g. <c>host</c> or <c>lighthouse</c>.</param>
/// <param name="Status">Its membership status.</param>
public sealed record MemberView(Address Address, ImmutableHashSet<string> Roles, MemberStatus Status);
