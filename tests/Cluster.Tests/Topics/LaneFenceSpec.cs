using System.Buffers.Binary;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Testing;
using Cluster.Contracts.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

/// <summary>
/// What a node does with the lane's messages from a node that switched it onto its lane: it holds them until that
/// node's fence has come through DistributedPubSub, or until the fence timeout. The lane messages here come from a
/// connection the spec opens in node 0's name, so it decides exactly what is flagged and whether a fence comes.
/// </summary>
public sealed class LaneFenceSpec : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private TestCluster _cluster = null!;
    private readonly string _prefix = "f" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(2, extraHocon: "cluster-node.topics.lane.fence-timeout = 3s");
        await LaneClusterFixture.WaitUntilConnectedAsync(_cluster, 0, 1);
        await LaneClusterFixture.WaitUntilConnectedAsync(_cluster, 1, 0);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private TopicBus Bus(int node) => TopicBus.Get(_cluster[node]);

    [Fact]
    public async Task Lane_messages_from_a_flagged_one_on_wait_for_its_fence_behind_the_earlier_distributed_pub_sub_message_and_then_follow_it()
    {
        var topic = $"{_prefix}/held";
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref);
        var node0 = LaneClusterFixture.Address(_cluster, 0);
        var received = Bus(1).Lane!.PayloadsReceived;
        const long first = 1_000_000_000;

        using var socket = await SendOverLaneAsync(node0, (topic, first, LaneFrame.RawFlag | LaneFrame.FenceFlag, 1), (topic, first + 1, LaneFrame.RawFlag, 2));
        await probe.AwaitAssertAsync(() => Assert.Equal(received + 2, Bus(1).Lane!.PayloadsReceived), Wait);
        var mediator = DistributedPubSub.Get(_cluster[0]).Mediator;
        mediator.Tell(new Publish(topic, new TopicEnvelope(topic, topic, node0, DateTimeOffset.UtcNow, [0]) { RawPayload = true }));
        mediator.Tell(new Publish(topic, new TopicEnvelope(topic, topic, node0, DateTimeOffset.UtcNow, []) { Fence = new LaneFence(node0, first) }));

        for (byte i = 0; i < 3; i++)
        {
            Assert.Equal([i], (byte[])(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        }
    }

    [Fact]
    public async Task Lane_messages_whose_fence_never_comes_are_delivered_in_order_after_the_fence_timeout_and_the_miss_is_counted()
    {
        var topic = $"{_prefix}/missed";
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref);
        var missed = Bus(1).Lane!.FencesMissed;

        using var socket = await SendOverLaneAsync(
            LaneClusterFixture.Address(_cluster, 0), (topic, 2_000_000_000, LaneFrame.RawFlag | LaneFrame.FenceFlag, 1), (topic, 2_000_000_001, LaneFrame.RawFlag, 2));

        Assert.Equal([1], (byte[])(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        Assert.Equal([2], (byte[])(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        await probe.AwaitAssertAsync(() => Assert.Equal(missed + 1, Bus(1).Lane!.FencesMissed), Wait);
    }

    // Opens a lane connection to node 1 in the name of a node and writes one-byte messages on it.
    private async Task<Socket> SendOverLaneAsync(string node, params (string Topic, long Id, int Flags, byte Payload)[] messages)
    {
        var lane = Bus(1).LaneInternals!;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(lane.Host, lane.Port);
        await socket.SendAsync(LaneFrame.Preamble(node, messages[0].Id));
        var frame = new byte[4096];
        var used = 0;
        foreach (var (topic, id, flags, payload) in messages)
        {
            used += LaneFrame.WriteHeader(frame.AsSpan(used), (byte)flags, id, 1, DateTimeOffset.UtcNow, topic, node);
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(used), 1);
            frame[used + 4] = payload;
            used += 5;
        }

        await socket.SendAsync(frame.AsMemory(0, used));
        return socket;
    }
}
