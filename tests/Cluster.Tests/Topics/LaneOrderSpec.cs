using Akka.Actor;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Testing;
using Cluster.Contracts.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class LaneOrderSpec : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(2);
        await LaneClusterFixture.WaitUntilConnectedAsync(_cluster, 0, 1);
        await LaneClusterFixture.WaitUntilConnectedAsync(_cluster, 1, 0);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private TopicBus Bus(int node) => TopicBus.Get(_cluster[node]);

    [Fact]
    public async Task A_publishers_messages_on_one_topic_arrive_in_order_and_all_while_the_lane_to_the_subscriber_comes_up()
    {
        const string topic = "order/stream";
        const int before = 5_000;
        const int count = 10_000;
        var done = new TaskCompletionSource<List<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = _cluster[1].ActorOf(Props.Create(() => new Collector(count, done)));
        await Bus(1).SubscribeAsync(topic, collector);
        var lane = Bus(0).LaneInternals!;
        var peer = LaneClusterFixture.Address(_cluster, 1);
        var received = Bus(1).Lane!.PayloadsReceived;

        // Node 0 sees node 1 up but has not had its lane greeting yet, as just after node 1 joined: it publishes
        // through DistributedPubSub, and the greeting comes while those messages are still on their way.
        lane.RemovePeer(peer);
        lane.MemberUp(peer);
        for (var i = 0; i < before; i++)
        {
            Bus(0).Publish(topic, i);
        }

        lane.SetPeer(peer, Bus(1).LaneInternals!.Host, Bus(1).LaneInternals!.Port, [topic]);
        for (var i = before; i < count; i++)
        {
            Bus(0).Publish(topic, i);
        }

        var got = await done.Task.WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(0, count), got);
        Assert.True(Bus(1).Lane!.PayloadsReceived > received, "no message took the lane once it was up");
        Assert.Equal(0, Bus(1).Lane!.FencesMissed);
    }

    [Fact]
    public async Task A_subscriber_that_joins_a_running_stream_gets_it_in_order_without_waiting_out_a_fence()
    {
        // The publisher's lane learns of the new route at once, its DistributedPubSub by gossip some time later: the
        // first fence it sends cannot reach the subscriber yet.
        const string topic = "order/running";
        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                Bus(0).Publish(topic, i);
                await tick.WaitForNextTickAsync();
            }
        });

        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref);
        var received = new List<int>();
        while (received.Count < 500)
        {
            received.Add((int)(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        }

        await stop.CancelAsync();
        await publisher;
        Assert.Equal(received.Order(), received);
        Assert.Equal(received.Count, received.Distinct().Count());
        Assert.Equal(0, Bus(1).Lane!.FencesMissed);
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(int count, TaskCompletionSource<List<int>> done)
        {
            var got = new List<int>(count);
            Receive<TopicMessage>(message =>
            {
                got.Add((int)message.Payload);
                if (got.Count == count)
                {
                    done.TrySetResult(got);
                }
            });
        }
    }
}
