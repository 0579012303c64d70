using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class LaneMembershipSpec : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_node_that_joins_gets_lanes_both_ways_and_large_payloads_and_a_node_that_leaves_has_its_lanes_closed()
    {
        var probe = _cluster.CreateProbe(0);
        await TopicBus.Get(_cluster[0]).SubscribeAsync("late/frames", probe.Ref);

        var late = await _cluster.AddNodeAsync();
        await LaneClusterFixture.WaitUntilConnectedAsync(_cluster, 2, 0);
        await LaneClusterFixture.WaitUntilConnectedAsync(_cluster, 0, 2);
        var frame = new byte[200_000];
        new Random(3).NextBytes(frame);
        TopicBus.Get(late).Publish("late/frames", frame);
        Assert.Equal(frame, (byte[])(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);

        var address = LaneClusterFixture.Address(_cluster, 2);
        await _cluster.StopNodeAsync(2);

        var lane = TopicBus.Get(_cluster[0]).LaneInternals!;
        await _cluster.CreateProbe(0).AwaitAssertAsync(
            () => Assert.False(
                lane.IsConnected(address) || lane.TargetsFor(["late/frames"]).Nodes.Contains(address),
                "the lane to the node that left is still open"),
            Wait);
    }
}
