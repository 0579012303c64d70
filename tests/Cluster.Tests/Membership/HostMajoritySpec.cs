using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Cluster.Agents.Core.Membership;
using Xunit;

namespace Cluster.Tests.Membership;

public sealed class HostMajoritySpec
{
    private static readonly MemberView Lighthouse = Node(1, "lighthouse");
    private static readonly MemberView Host1 = Node(2, "host");
    private static readonly MemberView Host2 = Node(3, "host");
    private static readonly MemberView Host3 = Node(4, "host");

    [Fact]
    public void A_host_alone_with_its_dead_Lighthouse_downs_the_Lighthouse_and_stays()
    {
        Assert.Equal([Lighthouse.Address], Decide([Lighthouse, Host1], [Lighthouse]));
    }

    [Fact]
    public void A_Lighthouse_cut_off_from_its_only_host_downs_itself()
    {
        Assert.Equal([Lighthouse.Address], Decide([Lighthouse, Host1], [Host1]));
    }

    [Fact]
    public void Of_two_hosts_the_one_that_reaches_the_Lighthouse_stays_whichever_address_is_lower()
    {
        Assert.Equal([Host1.Address], Decide([Lighthouse, Host1, Host2], [Host1]));
        Assert.Equal([Host2.Address], Decide([Lighthouse, Host1, Host2], [Host2]));
    }

    [Fact]
    public void The_host_cut_off_from_the_Lighthouse_and_the_other_host_downs_itself_so_there_is_never_a_split()
    {
        // Seen from the cut-off host: the other side holds as many hosts and the Lighthouse.
        Assert.Equal([Host2.Address], Decide([Lighthouse, Host1, Host2], [Lighthouse, Host1]));
    }

    [Fact]
    public void The_majority_of_hosts_stays_and_the_minority_downs_itself()
    {
        Assert.Equal([Host3.Address], Decide([Lighthouse, Host1, Host2, Host3], [Host3]));
        Assert.Equal([Host3.Address], Decide([Lighthouse, Host1, Host2, Host3], [Lighthouse, Host1, Host2]));
        Assert.Equal([Lighthouse.Address], Decide([Lighthouse, Host1, Host2, Host3], [Lighthouse]));
    }

    [Fact]
    public void On_a_tie_with_no_Lighthouse_on_either_side_the_side_with_the_lowest_host_address_stays()
    {
        var members = new[] { Host1, Host2 };

        Assert.Equal([Host2.Address], Decide(members, [Host2]));
        Assert.Equal([Host2.Address], Decide(members, [Host1]));
    }

    [Fact]
    public void Members_already_down_neither_vote_nor_are_downed_again()
    {
        var downed = Host3 with { Status = MemberStatus.Down };

        Assert.Empty(Decide([Lighthouse, Host1, Host2, downed], [downed]));
        Assert.Equal([Host2.Address], Decide([Lighthouse, Host1, Host2, downed], [Host2, downed]));
    }

    private static Address[] Decide(MemberView[] members, MemberView[] unreachable) =>
        [.. HostMajority.Decide(members, unreachable.Select(m => m.Address).ToHashSet(), "host", "lighthouse").OrderBy(a => a.Port)];

    private static MemberView Node(int host, string role) =>
        new(new Address("akka.tcp", "robot", $"10.0.0.{host}", 4053), ImmutableHashSet.Create(role), MemberStatus.Up);
}
