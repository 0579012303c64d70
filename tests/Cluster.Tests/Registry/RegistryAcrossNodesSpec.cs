using Akka.Actor;
using Akka.TestKit;
using Cluster.Agents.Core.Registry;
using Cluster.Contracts.Registry;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Registry;

public sealed class RegistryAcrossNodesSpec(ThreeNodeClusterFixture fixture) : IClassFixture<ThreeNodeClusterFixture>
{
    private static readonly TimeSpan Replication = TimeSpan.FromSeconds(30);
    private readonly TestCluster _cluster = fixture.Cluster;

    private NameRegistry RegistryOf(int node) => NameRegistry.Get(_cluster[node]);

    private Address AddressOf(int node) => Akka.Cluster.Cluster.Get(_cluster[node]).SelfAddress;

    [Fact]
    public async Task A_name_registered_on_one_node_is_visible_on_every_node_and_reaches_its_owner()
    {
        var owner = _cluster.CreateProbe(0);

        await RegistryOf(0).RegisterAsync("visible/drive", "device", owner.Ref);

        await AwaitOnEveryNodeAsync(owner, registry =>
        {
            var entry = registry.Lookup("visible/drive");
            Assert.Equal("device", entry.Kind);
            Assert.Equal(AddressOf(0), entry.Node);
            Assert.Equal(owner.Ref.Path.ToStringWithoutAddress(), entry.Owner.Path.ToStringWithoutAddress());
        });
        RegistryOf(2).Lookup("visible/drive").Owner.Tell("from node 2");
        await owner.ExpectMsgAsync("from node 2", Replication);
    }

    [Fact]
    public async Task A_duplicate_across_nodes_is_refused_once_the_first_is_visible_naming_the_holder()
    {
        var owner = _cluster.CreateProbe(0);
        await RegistryOf(0).RegisterAsync("duplicate/arm", "device", owner.Ref);
        await owner.AwaitAssertAsync(() => Assert.True(RegistryOf(1).TryLookup("duplicate/arm", out _)), Replication);

        var error = await Assert.ThrowsAsync<DuplicateNameException>(
            () => RegistryOf(1).RegisterAsync("duplicate/arm", "agent", _cluster.CreateProbe(1).Ref));

        Assert.Equal(AddressOf(0), error.Holder.Node);
        Assert.Contains("a device on " + AddressOf(0), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unregistering_and_stopping_the_owner_remove_names_on_every_node()
    {
        var owner = _cluster.CreateProbe(1);
        var registration = await RegistryOf(1).RegisterAsync("gone/gps", "device", owner.Ref);
        await RegistryOf(1).RegisterAsync("gone/imu", "device", owner.Ref);
        await AwaitOnEveryNodeAsync(owner, registry => Assert.True(registry.TryLookup("gone/imu", out _)));

        await registration.DisposeAsync();
        await AwaitOnEveryNodeAsync(owner, registry =>
        {
            Assert.False(registry.TryLookup("gone/gps", out _));
            Assert.True(registry.TryLookup("gone/imu", out _));
        });

        _cluster[1].Stop(owner.Ref);
        await AwaitOnEveryNodeAsync(owner, registry => Assert.False(registry.TryLookup("gone/imu", out _)));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_name_resolve_to_the_earliest_on_every_node_and_the_losers_are_revoked()
    {
        // A registration that a node accepted before the other node's announcement reached it is what the
        // IgnoreRemote flag reproduces, without depending on which message wins a race.
        var first = _cluster.CreateProbe(0);
        var earlier = _cluster.CreateProbe(1);
        var later = _cluster.CreateProbe(2);
        var firstRegistration = await RegistryOf(0).RegisterAsync("conflict/camera", "device", first.Ref);
        await AwaitOnEveryNodeAsync(first, registry => Assert.True(registry.TryLookup("conflict/camera", out _)));
        var registeredAt = firstRegistration.Entry.RegisteredAt;

        // Node 1 registered the name 1 ms before node 0 did: it wins everywhere, and node 0's owner is revoked.
        await RegistryOf(1).RegisterAsync(new RegistryActor.Register("conflict/camera", "device", earlier.Ref, registeredAt.AddMilliseconds(-1), IgnoreRemote: true), default);
        await AwaitOnEveryNodeAsync(first, registry =>
        {
            var entry = registry.Lookup("conflict/camera");
            Assert.Equal(AddressOf(1), entry.Node);
            Assert.Equal(registeredAt.AddMilliseconds(-1), entry.RegisteredAt);
        });
        var revokedFirst = await first.ExpectMsgAsync<RegistrationRevoked>(Replication);

        // Node 2 registered it 1 ms after node 0: it loses to the holder, and its own owner is revoked.
        await RegistryOf(2).RegisterAsync(new RegistryActor.Register("conflict/camera", "device", later.Ref, registeredAt.AddMilliseconds(1), IgnoreRemote: true), default);
        var revokedLater = await later.ExpectMsgAsync<RegistrationRevoked>(Replication);
        await AwaitOnEveryNodeAsync(first, registry => Assert.Equal(AddressOf(1), registry.Lookup("conflict/camera").Node));
        Assert.Equal("conflict/camera", revokedFirst.Name);
        Assert.Equal(AddressOf(1), revokedFirst.Holder.Node);
        Assert.Equal(AddressOf(1), revokedLater.Holder.Node);
        await earlier.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_change_lost_on_the_way_is_noticed_and_repaired_from_the_holders_snapshot()
    {
        var owner = _cluster.CreateProbe(1);
        await RegistryOf(1).RegisterAsync("repair/real", "device", owner.Ref);
        await owner.AwaitAssertAsync(() => Assert.True(RegistryOf(0).TryLookup("repair/real", out _)), Replication);
        var node1 = AddressOf(1).ToString();
        var registryOnNode0 = _cluster[0].ActorSelection("/system/" + RegistryActor.Name);

        // Changes that claim to come from node 1 but skip versions, as if the ones between had been lost:
        // node 0 applies them, notices the gap (or, failing that, the next digest of node 1), and replaces
        // what it knows of node 1 with node 1's own set.
        registryOnNode0.Tell(new RegistryNameAdded(node1, 1_000_000, new RegistryRecord("repair/phantom", "device", owner.Ref, DateTimeOffset.UtcNow)));
        registryOnNode0.Tell(new RegistryNameRemoved(node1, 1_000_001, "repair/real"));

        await owner.AwaitAssertAsync(
            () =>
            {
                Assert.False(RegistryOf(0).TryLookup("repair/phantom", out _));
                Assert.True(RegistryOf(0).TryLookup("repair/real", out _));
            },
            Replication);
    }

    private async Task AwaitOnEveryNodeAsync(TestProbe probe, Action<NameRegistry> assertion)
    {
        foreach (var node in _cluster.Nodes)
        {
            await probe.AwaitAssertAsync(() => assertion(NameRegistry.Get(node)), Replication);
        }
    }
}
