using Akka.TestKit;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Topics;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed record Odometry(double X, double Y);

public sealed class TopicBusSpec(ThreeNodeClusterFixture fixture) : IClassFixture<ThreeNodeClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly TestCluster _cluster = fixture.Cluster;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..8];

    private TopicBus Bus(int node) => TopicBus.Get(_cluster[node]);

    private async Task<(TestProbe Probe, TopicSubscription Subscription)> SubscribeAsync(int node, string pattern)
    {
        var probe = _cluster.CreateProbe(node);
        var subscription = await Bus(node).SubscribeAsync(pattern, probe.Ref);
        return (probe, subscription);
    }

    [Fact]
    public async Task A_publish_right_after_subscribe_returns_reaches_an_exact_subscriber_on_another_node()
    {
        var topic = $"{_prefix}/odometry";
        var (probe, _) = await SubscribeAsync(1, topic);

        Bus(2).Publish(topic, new Odometry(1.5, -2), sender: "drive");

        var message = await probe.ExpectMsgAsync<TopicMessage>(Wait);
        Assert.Equal(topic, message.Topic);
        Assert.Equal(new Odometry(1.5, -2), message.Payload);
        Assert.Equal("drive", message.Sender);
        Assert.Equal(topic, message.Subscription);
        Assert.True(message.PublishedAt > DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task A_publish_right_after_subscribe_returns_reaches_a_glob_subscriber_on_another_node()
    {
        var (probe, _) = await SubscribeAsync(0, $"{_prefix}/*/heartbeat");

        Bus(1).Publish($"{_prefix}/battery/heartbeat", 7);
        Bus(2).Publish($"{_prefix}/drive/heartbeat", 8);

        var messages = new[] { await probe.ExpectMsgAsync<TopicMessage>(Wait), await probe.ExpectMsgAsync<TopicMessage>(Wait) };
        Assert.Equal([7, 8], messages.Select(m => (int)m.Payload).Order());
        Assert.All(messages, m => Assert.Equal($"{_prefix}/*/heartbeat", m.Subscription));
    }

    [Fact]
    public async Task The_sender_defaults_to_the_publishing_node()
    {
        var (probe, _) = await SubscribeAsync(0, $"{_prefix}/x");

        Bus(1).Publish($"{_prefix}/x", "hello");

        Assert.Equal(Akka.Cluster.Cluster.Get(_cluster[1]).SelfAddress.ToString(), (await probe.ExpectMsgAsync<TopicMessage>(Wait)).Sender);
    }

    [Fact]
    public async Task Every_matching_subscription_on_every_node_gets_each_message_exactly_once()
    {
        var subscribers = new[]
        {
            await SubscribeAsync(0, $"{_prefix}/drive/speed"),
            await SubscribeAsync(1, $"{_prefix}/drive/*"),
            await SubscribeAsync(1, $"{_prefix}/drive/*"),
            await SubscribeAsync(2, $"{_prefix}/*/speed"),
            await SubscribeAsync(2, $"{_prefix}/drive/sp??d"),
        };
        var (other, _) = await SubscribeAsync(2, $"{_prefix}/arm/*");

        Bus(0).Publish($"{_prefix}/drive/speed", 1);
        Bus(0).Publish($"{_prefix}/drive/speed", 2);
        Bus(1).Publish($"{_prefix}/arm/torque", 3);

        // In publish order the second message follows the first: a duplicate of the first would show up in between.
        foreach (var (probe, _) in subscribers)
        {
            Assert.Equal(1, (await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
            Assert.Equal(2, (await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        }

        Assert.Equal(3, (await other.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
    }

    [Fact]
    public async Task An_actor_subscribed_with_an_exact_name_and_a_glob_gets_one_copy_per_subscription()
    {
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync($"{_prefix}/imu/left", probe.Ref);
        await Bus(1).SubscribeAsync($"{_prefix}/imu/[lr]eft", probe.Ref);

        Bus(0).Publish($"{_prefix}/imu/left", 42);

        var copies = new[] { await probe.ExpectMsgAsync<TopicMessage>(Wait), await probe.ExpectMsgAsync<TopicMessage>(Wait) };
        Assert.Equal([$"{_prefix}/imu/[lr]eft", $"{_prefix}/imu/left"], copies.Select(c => c.Subscription).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_glob_subscriber_does_not_get_topics_that_do_not_match()
    {
        var (probe, _) = await SubscribeAsync(1, $"{_prefix}/drive/*");

        Bus(0).Publish($"{_prefix}/arm/speed", "no");
        Bus(0).Publish($"{_prefix}/driver", "no");
        Bus(0).Publish($"{_prefix}/drive/speed", "yes");

        Assert.Equal("yes", (await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
    }

    [Fact]
    public async Task Messages_from_one_publisher_on_one_topic_arrive_in_publish_order()
    {
        var (exact, _) = await SubscribeAsync(1, $"{_prefix}/seq");
        var (glob, _) = await SubscribeAsync(2, $"{_prefix}/s*");

        for (var i = 0; i < 2000; i++)
        {
            Bus(0).Publish($"{_prefix}/seq", i);
        }

        foreach (var probe in new[] { exact, glob })
        {
            for (var i = 0; i < 2000; i++)
            {
                Assert.Equal(i, (await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
            }
        }
    }

    [Fact]
    public async Task A_burst_of_publishes_travels_in_batches_and_arrives_whole_and_in_order_on_every_route()
    {
        var (exact, _) = await SubscribeAsync(1, $"{_prefix}/burst");
        var (glob, _) = await SubscribeAsync(0, $"{_prefix}/bu*");
        var (local, _) = await SubscribeAsync(2, $"{_prefix}/burst");
        var before = Bus(2).Batching;

        for (var i = 0; i < 5000; i++)
        {
            Bus(2).Publish($"{_prefix}/burst", i);
        }

        foreach (var probe in new[] { exact, glob, local })
        {
            for (var i = 0; i < 5000; i++)
            {
                Assert.Equal(i, (await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
            }
        }

        var after = Bus(2).Batching;
        Assert.True(after.Batches > before.Batches, "the burst should have travelled in batches");
        Assert.True(after.Publishes - before.Publishes >= 2 * (after.Batches - before.Batches));
    }

    [Fact]
    public async Task A_one_megabyte_payload_crosses_nodes_whole()
    {
        var (probe, _) = await SubscribeAsync(2, $"{_prefix}/image");
        var image = new byte[1024 * 1024];
        new Random(7).NextBytes(image);

        Bus(0).Publish($"{_prefix}/image", image);

        Assert.Equal(image, (byte[])(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
    }

    [Fact]
    public void A_payload_above_the_topics_maximum_is_refused_at_the_publisher_naming_the_limit_and_the_setting()
    {
        var max = Bus(0).Settings.Lane.MaxPayloadBytes;
        var error = Assert.Throws<PayloadTooLargeException>(() => Bus(0).Publish($"{_prefix}/big", new byte[max + 1]));

        Assert.Contains("cluster-node.topics.lane.max-payload", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{max:N0}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{max + 1:N0}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{_prefix}/big'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_the_serializer_cannot_carry_is_refused_naming_its_type()
    {
        var error = Assert.Throws<ArgumentException>(() => Bus(0).Publish($"{_prefix}/bad", new Action(() => { })));

        Assert.Contains("System.Action", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publishing_on_a_name_with_wildcards_is_refused() =>
        Assert.Throws<ArgumentException>(() => Bus(0).Publish($"{_prefix}/*", 1));

    [Fact]
    public async Task A_message_whose_payload_cannot_be_read_is_dropped_and_counted_and_the_next_one_is_delivered()
    {
        var topic = $"{_prefix}/garbled";
        var (probe, _) = await SubscribeAsync(1, topic);
        var before = Bus(1).Undeliverable;
        var mediator = Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.Get(_cluster[2]).Mediator;

        mediator.Tell(new Akka.Cluster.Tools.PublishSubscribe.Publish(topic, new TopicEnvelope(topic, topic, "garbler", Bus(2).UtcNow, [0xFF, 0x00, 0x13])), Akka.Actor.ActorRefs.NoSender);
        Bus(2).Publish(topic, "readable");

        // The readable one may come first: it takes the data lane, the garbled one DistributedPubSub.
        var message = await probe.ExpectMsgAsync<TopicMessage>(Wait);
        Assert.Equal("readable", message.Payload);
        await probe.AwaitAssertAsync(() => Assert.Equal(before + 1, Bus(1).Undeliverable), Wait);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task After_unsubscribing_a_subscription_gets_no_more_messages()
    {
        var (leaving, subscription) = await SubscribeAsync(1, $"{_prefix}/news");
        var (staying, _) = await SubscribeAsync(1, $"{_prefix}/news");

        await subscription.DisposeAsync();
        Bus(0).Publish($"{_prefix}/news", 1);

        Assert.Equal(1, (await staying.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        await leaving.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_node_lists_its_current_subscriptions_once_each_and_forgets_one_when_its_last_subscription_ends()
    {
        var (_, first) = await SubscribeAsync(1, $"{_prefix}/list/*");
        var (_, second) = await SubscribeAsync(1, $"{_prefix}/list/*");
        var (_, exact) = await SubscribeAsync(1, $"{_prefix}/list/x");

        Assert.Single(Bus(1).LocalSubscriptions, p => p.Text == $"{_prefix}/list/*" && p.IsGlob);
        Assert.Single(Bus(1).LocalSubscriptions, p => p.Text == $"{_prefix}/list/x" && !p.IsGlob);
        Assert.DoesNotContain(Bus(0).LocalSubscriptions, p => p.Text.StartsWith(_prefix + "/list", StringComparison.Ordinal));

        await first.DisposeAsync();
        Assert.Contains(Bus(1).LocalSubscriptions, p => p.Text == $"{_prefix}/list/*");
        await second.DisposeAsync();
        await exact.DisposeAsync();
        Assert.DoesNotContain(Bus(1).LocalSubscriptions, p => p.Text.StartsWith(_prefix + "/list", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Glob_patterns_become_known_on_every_node()
    {
        await SubscribeAsync(2, $"{_prefix}/known/*");

        await _cluster.CreateProbe(0).AwaitAssertAsync(
            () => Assert.All(_cluster.Nodes, node => Assert.Contains($"{_prefix}/known/*", TopicBus.Get(node).KnownPatterns)),
            Wait);
    }
}
