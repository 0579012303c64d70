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

    [Fact]
    public async Task A_node_that_joins_while_it_publishes_reaches_an_earlier_subscriber_in_order_without_waiting_out_a_fence()
    {
        // The subscription exists before the publisher joins: the publisher's lane learns of it from the greeting,
        // before its DistributedPubSub learns of it by gossip, so the first fence it sends cannot reach the subscriber.
        var probe = _cluster.CreateProbe(0);
        await TopicBus.Get(_cluster[0]).SubscribeAsync("joining/seq", probe.Ref);
        var late = await _cluster.AddNodeAsync();
        var publisher = TopicBus.Get(late);
        var lane = publisher.LaneInternals!;
        var subscriber = LaneClusterFixture.Address(_cluster, 0);

        // Published from the moment the joining node is up until its lane carries them, and a little beyond.
        var sent = 0;
        while (!lane.TargetsFor(["joining/seq"]).Nodes.Contains(subscriber) || sent < 1000)
        {
            publisher.Publish("joining/seq", sent++);
            if (sent > 1_000_000)
            {
                Assert.Fail("the joining node's lane never took the subscriber");
            }
        }

        var received = new List<int>();
        var last = -1;
        while (last != sent - 1)
        {
            last = (int)(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload;
            received.Add(last);
        }

        Assert.Equal(received.Order(), received);
        Assert.Equal(received.Count, received.Distinct().Count());
        Assert.Equal(0, TopicBus.Get(_cluster[0]).Lane!.FencesMissed);
    }
}
