using System.Buffers.Binary;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Testing;
using Xunit;

namespace Cluster.Tests.Topics;

/// <summary>A subscriber that stops reading cannot grow its node's memory without bound.</summary>
public sealed class SubscriberLimitSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_stuck_subscriber_keeps_at_most_max_waiting_messages_the_rest_are_dropped_and_counted_and_it_gets_the_kept_ones_in_order()
    {
        await using var cluster = await TestCluster.StartAsync(1, extraHocon: "cluster-node.topics.max-waiting = 100");
        var bus = TopicBus.Get(cluster[0]);
        var probe = cluster.CreateProbe(0);
        using var next = new SemaphoreSlim(0);
        using var releaseAnyway = new Releaser(next);
        var subscriber = cluster[0].ActorOf(StepSubscriber.Props(probe.Ref, next));
        await bus.SubscribeAsync("imu/raw", subscriber);

        for (var i = 0; i < 1000; i++)
        {
            bus.Publish("imu/raw", Payload(i));
        }

        // The subscriber is stuck on the first message: its mailbox fills to the limit (read every 64th message, so
        // at most 64 past it), and what comes after is dropped.
        Assert.Equal(0, await probe.ExpectMsgAsync<int>(Wait));
        await probe.AwaitAssertAsync(() => Assert.True(bus.Overflowed >= 1000 - 1 - 100 - 64, $"{bus.Overflowed} dropped"), Wait);

        next.Release(2000);
        var received = new List<int> { 0 };
        while (received.Count + bus.Overflowed < 1000)
        {
            received.Add(await probe.ExpectMsgAsync<int>(Wait));
        }

        Assert.Equal(received.Order(), received);
        Assert.InRange(received.Count, 2, 1 + 100 + 64);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        // Caught up, it gets every message again.
        bus.Publish("imu/raw", Payload(1000));
        Assert.Equal(1000, await probe.ExpectMsgAsync<int>(Wait));
        Assert.Equal(1000 - received.Count, bus.Overflowed);
    }

    [Fact]
    public void The_limit_is_read_from_the_configuration_and_must_be_at_least_one()
    {
        Assert.Equal(100_000, TopicSettingsSpec.Read("").MaxWaiting);
        Assert.Equal(5, TopicSettingsSpec.Read("cluster-node.topics.max-waiting = 5").MaxWaiting);
        var error = Assert.Throws<ClusterConfigurationException>(() => TopicSettingsSpec.Read("cluster-node.topics.max-waiting = 0"));
        Assert.Equal("cluster-node.topics.max-waiting", error.Key);
    }

    private static byte[] Payload(int seq)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, seq);
        return bytes;
    }

    // Lets the stepping subscriber run to the end when the test fails before it is done.
    private sealed class Releaser(SemaphoreSlim next) : IDisposable
    {
        public void Dispose() => next.Release(10_000);
    }
}
