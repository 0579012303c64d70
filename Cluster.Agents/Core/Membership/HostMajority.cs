using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;

namespace Cluster.Agents.Core.Membership;

/// <summary>
/// The downing rule of <see cref="HostMajorityDowningProvider"/>, as a pure function: the side holding more hosts
/// stays; on a tie the side holding a Lighthouse stays; on a tie with a Lighthouse on both sides or on neither, the
/// side holding the lowest address stays. Lighthouses never count otherwise, so losing them never downs a host.
/// </summary>
public static class HostMajority
{
    /// <summary>Decides which members to down, seen from one side of a partition.</summary>
    /// <param name="members">Every member the deciding node knows, with its roles and status.</param>
    /// <param name="unreachable">The members some node sees as unreachable: the other side.</param>
    /// <param name="role">The role whose members vote, e.g. <c>host</c>; empty for every member.</param>
    /// <param name="tieBreakerRole">The role that breaks a tie between equal sides, e.g. <c>lighthouse</c>.</param>
    /// <returns>The members to down: the other side's, or this side's own (including the deciding node), or none.</returns>
    public static ImmutableArray<Address> Decide(
        IReadOnlyCollection<MemberView> members,
        IReadOnlySet<Address> unreachable,
        string role,
        string tieBreakerRole)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(unreachable);
        var alive = members.Where(m => m.Status is not (MemberStatus.Down or MemberStatus.Removed or MemberStatus.Exiting)).ToList();
        var other = alive.Where(m => unreachable.Contains(m.Address)).ToList();
        if (other.Count == 0)
        {
            return [];
        }

        var mine = alive.Where(m => !unreachable.Contains(m.Address)).ToList();
        bool Votes(MemberView m) => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.WeaklyUp && (role.Length == 0 || m.Roles.Contains(role));
        var (myVotes, otherVotes) = (mine.Count(Votes), other.Count(Votes));
        bool keepMine;
        if (myVotes != otherVotes)
        {
            keepMine = myVotes > otherVotes;
        }
        else
        {
            var (myTieBreaker, otherTieBreaker) = (mine.Any(m => m.Roles.Contains(tieBreakerRole)), other.Any(m => m.Roles.Contains(tieBreakerRole)));
            if (myTieBreaker != otherTieBreaker)
            {
                keepMine = myTieBreaker;
            }
            else
            {
                // Both sides apply the same order, so exactly one of them stays.
                var voters = myVotes > 0 ? alive.Where(Votes) : alive;
                var lowest = voters.Select(m => m.Address).Order(AddressOrder.Instance).First();
                keepMine = !unreachable.Contains(lowest);
            }
        }

        return [.. (keepMine ? other : mine).Select(m => m.Address)];
    }

    /// <summary>Akka's order of addresses, the one that picks the leader.</summary>
    internal sealed class AddressOrder : IComparer<Address>
    {
        /// <summary>The one instance.</summary>
        public static readonly AddressOrder Instance = new();

        /// <inheritdoc />
        public int Compare(Address? x, Address? y) => Member.AddressOrdering.Compare(x!, y!);
    }
}
