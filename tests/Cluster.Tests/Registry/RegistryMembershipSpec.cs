using Akka.Actor;
using Cluster.Agents.Core.Registry;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Registry;

public sealed class RegistryMembershipSpec
{
    private static readonly TimeSpan Replication = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_late_joiner_gets_the_full_view_and_its_own_names_reach_the_others()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var drive = cluster.CreateProbe(0);
        var arm = cluster.CreateProbe(1);
        await NameRegistry.Get(cluster[0]).RegisterAsync("drive", "device", drive.Ref);
        await NameRegistry.Get(cluster[1]).RegisterAsync("arm", "device", arm.Ref);

        var late = await cluster.AddNodeAsync();
        var camera = cluster.CreateProbe(2);
        await NameRegistry.Get(late).RegisterAsync("camera", "device", camera.Ref);

        foreach (var node in cluster.Nodes)
        {
            await camera.AwaitAssertAsync(
                () => Assert.Equal(new[] { "arm", "camera", "drive" }, NameRegistry.Get(node).Entries.Select(entry => entry.Name)),
                Replication);
        }
    }

    [Fact]
    public async Task The_names_of_a_node_that_leaves_vanish_on_the_others()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var stays = cluster.CreateProbe(0);
        var leaves = cluster.CreateProbe(2);
        await NameRegistry.Get(cluster[0]).RegisterAsync("stays", "device", stays.Ref);
        await NameRegistry.Get(cluster[2]).RegisterAsync("leaves/one", "device", leaves.Ref);
        await NameRegistry.Get(cluster[2]).RegisterAsync("leaves/two", "agent", leaves.Ref);
        await stays.AwaitAssertAsync(() => Assert.Equal(3, NameRegistry.Get(cluster[1]).Entries.Count), Replication);

        await cluster.StopNodeAsync(2);

        foreach (var node in new[] { cluster[0], cluster[1] })
        {
            await stays.AwaitAssertAsync(
                () => Assert.Equal(new[] { "stays" }, NameRegistry.Get(node).Entries.Select(entry => entry.Name)),
                TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task The_names_of_a_downed_node_vanish_on_the_others()
    {
        // What the downing rule does to a crashed node (after seconds), done at once by hand.
        await using var cluster = await TestCluster.StartAsync(3);
        var stays = cluster.CreateProbe(0);
        var downed = cluster.CreateProbe(2);
        await NameRegistry.Get(cluster[0]).RegisterAsync("stays", "device", stays.Ref);
        await NameRegistry.Get(cluster[2]).RegisterAsync("downed/one", "device", downed.Ref);
        await stays.AwaitAssertAsync(() => Assert.Equal(2, NameRegistry.Get(cluster[1]).Entries.Count), Replication);

        Akka.Cluster.Cluster.Get(cluster[0]).Down(Akka.Cluster.Cluster.Get(cluster[2]).SelfAddress);

        foreach (var node in new[] { cluster[0], cluster[1] })
        {
            await stays.AwaitAssertAsync(
                () => Assert.Equal(new[] { "stays" }, NameRegistry.Get(node).Entries.Select(entry => entry.Name)),
                TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task The_names_of_a_node_go_at_its_downing_without_waiting_for_its_removal()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var probe = cluster.CreateProbe(1);
        await NameRegistry.Get(cluster[1]).RegisterAsync("arm", "device", probe.Ref);
        await probe.AwaitAssertAsync(() => Assert.Single(NameRegistry.Get(cluster[0]).Entries), Replication);

        // The event alone, as the cluster publishes it at the downing: the node itself is still a member, so only the
        // downing can have dropped its names.
        var downed = Akka.Cluster.Cluster.Get(cluster[1]).SelfMember.Copy(Akka.Cluster.MemberStatus.Down);
        NameRegistry.Get(cluster[0]).Actor.Tell(new Akka.Cluster.ClusterEvent.MemberDowned(downed));

        await probe.AwaitAssertAsync(() => Assert.Empty(NameRegistry.Get(cluster[0]).Entries), TimeSpan.FromSeconds(5));
        Assert.Single(NameRegistry.Get(cluster[1]).Entries);
    }
}
