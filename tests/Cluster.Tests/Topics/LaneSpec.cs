using System.Buffers.Binary;
using Akka.Actor;
using Akka.TestKit;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

/// <summary>A two-node cluster whose lane has small thresholds, so every boundary is cheap to cross.</summary>
public sealed class LaneClusterFixture : IAsyncLifetime
{
    public const int Threshold = 4096;
    public const int Chunk = 1024;
    public const int Max = 1024 * 1024;
    public const int SmallMax = 64 * 1024;

    public const string Hocon = """
        cluster-node.topics.lane {
          threshold = 4KiB
          chunk-size = 1KiB
          max-payload = 1MiB
          publish-timeout = 20s
          # These nodes share a machine: the socket's chunks are what is tested here (SharedMemoryLaneSpec tests the ring).
          shared-memory = off
          topics {
            "*/small-max/*" { max-payload = 64KiB }
            "*/keep/*" { history = keep-last, depth = 2 }
            "*/reliable/*" { history = reliable, depth = 2 }
          }
        }
        """;

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(2, extraHocon: Hocon);
        await WaitUntilConnectedAsync(Cluster, 0, 1);
        await WaitUntilConnectedAsync(Cluster, 1, 0);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    public static string Address(TestCluster cluster, int node) => Akka.Cluster.Cluster.Get(cluster[node]).SelfAddress.ToString();

    public static Task WaitUntilConnectedAsync(TestCluster cluster, int from, int to)
    {
        var lane = TopicBus.Get(cluster[from]).LaneInternals!;
        return cluster.CreateProbe(from).AwaitAssertAsync(
            () => Assert.True(lane.IsConnected(Address(cluster, to)), $"the lane from node {from} to node {to} did not connect in 30 s"),
            TimeSpan.FromSeconds(30));
    }
}

public sealed class LaneSpec(LaneClusterFixture fixture) : IClassFixture<LaneClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TestCluster _cluster = fixture.Cluster;
    private readonly string _prefix = "l" + Guid.NewGuid().ToString("N")[..8];

    private TopicBus Bus(int node) => TopicBus.Get(_cluster[node]);

    private static byte[] Payload(int size, int seq)
    {
        var bytes = new byte[size];
        new Random(seq).NextBytes(bytes);
        if (size >= 4)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, seq);
        }

        return bytes;
    }

    public static TheoryData<int> Sizes => new()
    {
        0, 1,
        LaneClusterFixture.Threshold - 1, LaneClusterFixture.Threshold, LaneClusterFixture.Threshold + 1,
        LaneClusterFixture.Threshold + LaneClusterFixture.Chunk - 1, LaneClusterFixture.Threshold + LaneClusterFixture.Chunk,
        (5 * LaneClusterFixture.Chunk) + 1, (64 * LaneClusterFixture.Chunk) - 1, 64 * LaneClusterFixture.Chunk,
        LaneClusterFixture.Max - 1, LaneClusterFixture.Max,
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task A_payload_of_any_size_up_to_the_maximum_arrives_whole_on_both_nodes_and_the_remote_one_takes_the_lane(int size)
    {
        var topic = $"{_prefix}/frames";
        var remote = _cluster.CreateProbe(1);
        var local = _cluster.CreateProbe(0);
        await Bus(1).SubscribeAsync(topic, remote.Ref);
        await Bus(0).SubscribeAsync(topic, local.Ref);
        var before = Bus(1).Lane!.PayloadsReceived;
        var payload = Payload(size, 7);

        Bus(0).Publish(topic, payload);

        Assert.Equal(payload, (byte[])(await remote.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        Assert.Equal(payload, (byte[])(await local.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        Assert.Equal(before + 1, Bus(1).Lane!.PayloadsReceived);
    }

    [Fact]
    public void A_payload_above_the_maximum_is_refused_naming_the_topic_the_size_the_maximum_and_the_setting()
    {
        var error = Assert.Throws<PayloadTooLargeException>(() => Bus(0).Publish($"{_prefix}/frames", new byte[LaneClusterFixture.Max + 1]));

        Assert.Equal($"{_prefix}/frames", error.Topic);
        Assert.Equal(LaneClusterFixture.Max + 1, error.Size);
        Assert.Equal(LaneClusterFixture.Max, error.Limit);
        Assert.Contains($"'{_prefix}/frames'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{LaneClusterFixture.Max + 1:N0}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{LaneClusterFixture.Max:N0}", error.Message, StringComparison.Ordinal);
        Assert.Contains("cluster-node.topics.lane.max-payload", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LaneClusterFixture.SmallMax, true)]
    [InlineData(LaneClusterFixture.SmallMax + 1, false)]
    [InlineData(LaneClusterFixture.Threshold - 1, true)]
    public async Task A_topics_own_maximum_applies_at_and_beyond_it(int size, bool accepted)
    {
        var topic = $"{_prefix}/small-max/depth";
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref);

        if (accepted)
        {
            Bus(0).Publish(topic, Payload(size, 1));
            Assert.Equal(size, ((byte[])(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload).Length);
        }
        else
        {
            var error = Assert.Throws<PayloadTooLargeException>(() => Bus(0).Publish(topic, Payload(size, 1)));
            Assert.Contains("cluster-node.topics.lane.topics.\"*/small-max/*\".max-payload", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_typed_payload_above_the_threshold_arrives_as_its_type()
    {
        var topic = $"{_prefix}/cloud";
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref);
        var cloud = new PointCloud("lidar", [.. Enumerable.Range(0, 3000).Select(i => i * 0.5f)]);

        Bus(0).Publish(topic, cloud);

        var received = Assert.IsType<PointCloud>((await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        Assert.Equal(cloud.Frame, received.Frame);
        Assert.Equal(cloud.Points, received.Points);
        Assert.True(Bus(1).Lane!.PayloadsReceived > 0);
    }

    [Fact]
    public async Task Small_and_large_messages_of_one_publisher_on_a_reliable_topic_arrive_in_publish_order_on_exact_and_glob_subscriptions()
    {
        var topic = $"{_prefix}/reliable/stream";
        var exact = _cluster.CreateProbe(1);
        var glob = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, exact.Ref);
        await Bus(1).SubscribeAsync($"{_prefix}/reliable/*", glob.Ref);

        for (var i = 0; i < 60; i++)
        {
            // A large one, then small ones right after it: the small ones must not overtake it.
            Bus(0).Publish(topic, i % 3 == 0 ? Payload(LaneClusterFixture.Threshold * (1 + (i % 7)), i) : i);
        }

        foreach (var probe in new[] { exact, glob })
        {
            for (var i = 0; i < 60; i++)
            {
                Assert.Equal(i, Sequence((await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload));
            }
        }
    }

    [Fact]
    public async Task On_a_keep_last_topic_a_burst_may_lose_old_frames_but_never_reorders_and_small_messages_all_arrive()
    {
        var topic = $"{_prefix}/burst";
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref);
        var dropped = Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped;

        for (var i = 0; i < 60; i++)
        {
            Bus(0).Publish(topic, i % 3 == 0 ? Payload(LaneClusterFixture.Threshold * (1 + (i % 7)), i) : i);
        }

        Bus(0).Publish(topic, 60);
        var received = new List<int>();
        while (received.Count == 0 || received[^1] != 60)
        {
            received.Add(Sequence((await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload));
        }

        Assert.Equal(received.Order(), received);
        Assert.Equal(received.Distinct(), received);
        Assert.All(Enumerable.Range(0, 61).Where(i => i % 3 != 0), i => Assert.Contains(i, received));
        Assert.Equal(61 - received.Count, Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped - dropped);
    }

    private static int Sequence(object payload) => payload is byte[] bytes ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : (int)payload;

    [Fact]
    public async Task A_lane_broken_in_the_middle_of_a_payload_drops_it_counts_it_and_reconnects_for_the_next()
    {
        var topic = $"{_prefix}/broken";
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref);
        var (sendBroken, receiveBroken, connects) = (Bus(0).Lane!.SendBroken, Bus(1).Lane!.ReceiveBroken, Bus(0).Lane!.Connects);

        Assert.True(Bus(0).LaneInternals!.BreakInNextPayload(LaneClusterFixture.Address(_cluster, 1), afterBytes: 3 * LaneClusterFixture.Chunk));
        Bus(0).Publish(topic, Payload(10 * LaneClusterFixture.Chunk, 1));
        Bus(0).Publish(topic, Payload(10 * LaneClusterFixture.Chunk, 2));
        Bus(0).Publish(topic, 3);

        // Never the truncated first: the second, whole, then the small one after it.
        var second = (byte[])(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload;
        Assert.Equal(Payload(10 * LaneClusterFixture.Chunk, 2), second);
        Assert.Equal(3, (await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        Assert.Equal(sendBroken + 1, Bus(0).Lane!.SendBroken);
        Assert.Equal(receiveBroken + 1, Bus(1).Lane!.ReceiveBroken);
        Assert.True(Bus(0).Lane!.Connects > connects, "the lane connected again");
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_lane_connection_that_names_no_node_of_the_cluster_is_closed_and_delivers_nothing()
    {
        var topic = $"{_prefix}/intrusion";
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref);
        var lane = Bus(1).LaneInternals!;
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(lane.Host, lane.Port);
        var frame = new byte[1024];
        var size = LaneFrame.WriteHeader(frame, LaneFrame.RawFlag, 1, 3, DateTimeOffset.UnixEpoch, topic, "intruder");
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(size), 3);
        frame.AsSpan(size + 4, 3).Fill(0xEE);

        await socket.SendAsync(LaneFrame.Preamble("akka.tcp://intruder@10.9.9.9:4053", 1));
        await socket.SendAsync(frame.AsMemory(0, size + 7));
        try
        {
            Assert.Equal(0, await socket.ReceiveAsync(new byte[1]).WaitAsync(Wait));
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Closed with the message unread: a reset, which is as closed.
        }

        Bus(0).Publish(topic, 7);
        Assert.Equal(7, (await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_lease_subscriber_reads_the_bytes_without_a_copy_and_each_lease_gives_the_buffer_back_exactly_once()
    {
        var topic = $"{_prefix}/leased/left";
        var probe = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, probe.Ref, new TopicSubscriptionOptions { Leases = true });
        await Bus(1).SubscribeAsync($"{_prefix}/leased/*", probe.Ref, new TopicSubscriptionOptions { Leases = true });
        var plain = _cluster.CreateProbe(1);
        await Bus(1).SubscribeAsync(topic, plain.Ref);
        var lane = Bus(1).LaneInternals!;
        var payload = Payload(3 * LaneClusterFixture.Chunk + LaneClusterFixture.Threshold, 5);

        Bus(0).Publish(topic, payload);

        var leases = new[] { await probe.ExpectMsgAsync<TopicMessage>(Wait), await probe.ExpectMsgAsync<TopicMessage>(Wait) }
            .Select(message => Assert.IsType<TopicLease>(message.Payload)).ToList();
        Assert.Equal(payload, (byte[])(await plain.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
        Assert.All(leases, lease => Assert.Equal(payload, lease.Memory.ToArray()));
        Assert.NotEqual(lane.Pool.Rented, lane.Pool.Returned);

        leases[0].Dispose();
        leases[0].Dispose();
        Assert.NotEqual(lane.Pool.Rented, lane.Pool.Returned);
        leases[1].Dispose();

        Assert.Equal(lane.Pool.Rented, lane.Pool.Returned);
        Assert.Throws<ObjectDisposedException>(() => leases[0].Memory);
    }

    [Fact]
    public async Task A_publisher_fills_a_loan_and_subscribers_on_both_nodes_get_its_bytes()
    {
        var topic = $"{_prefix}/loaned";
        var remote = _cluster.CreateProbe(1);
        var local = _cluster.CreateProbe(0);
        await Bus(1).SubscribeAsync(topic, remote.Ref, new TopicSubscriptionOptions { Leases = true });
        await Bus(0).SubscribeAsync(topic, local.Ref, new TopicSubscriptionOptions { Leases = true });
        var payload = Payload(LaneClusterFixture.Threshold * 3, 9);

        var loan = Bus(0).Loan(100);
        payload.AsSpan(0, 5000).CopyTo(loan.GetSpan(5000));
        loan.Advance(5000);
        payload.AsSpan(5000).CopyTo(loan.GetSpan(payload.Length - 5000));
        loan.Advance(payload.Length - 5000);
        Bus(0).Publish(topic, loan);
        loan.Dispose();

        foreach (var probe in new[] { remote, local })
        {
            using var lease = Assert.IsType<TopicLease>((await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
            Assert.Equal(payload, lease.ToArray());
        }

        var pool = Bus(0).LaneInternals!.Pool;
        await AwaitAsync(() => pool.Rented == pool.Returned, "every buffer of the publishing node is back in its pool");
    }

    [Fact]
    public void An_unpublished_loan_gives_its_buffer_back_when_disposed()
    {
        var pool = Bus(0).LaneInternals!.Pool;
        var loan = Bus(0).Loan(10_000);
        loan.GetSpan(10)[0] = 1;
        loan.Advance(1);

        loan.Dispose();
        loan.Dispose();

        Assert.Throws<ObjectDisposedException>(() => loan.GetSpan());
        Assert.Throws<ObjectDisposedException>(() => Bus(0).Publish($"{_prefix}/x", loan));
    }

    [Fact]
    public async Task A_slow_subscriber_of_a_keep_last_topic_sees_the_newest_frames_and_the_drops_are_counted()
    {
        var topic = $"{_prefix}/keep/frames";
        var probe = _cluster.CreateProbe(1);
        using var release = new ManualResetEventSlim();
        using var releaseAnyway = new Releaser(release);
        var slow = _cluster[1].ActorOf(SlowSubscriber.Props(probe.Ref, release));
        await Bus(1).SubscribeAsync(topic, slow);
        var dropped = Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped;

        Bus(0).Publish(topic, Payload(LaneClusterFixture.Threshold * 2, 0));
        Assert.Equal(0, await probe.ExpectMsgAsync<int>(Wait));
        for (var i = 1; i < 20; i++)
        {
            Bus(0).Publish(topic, Payload(LaneClusterFixture.Threshold * 2, i));
        }

        await AwaitAsync(() => Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped > dropped, "drops are counted while the subscriber is stuck");
        release.Set();

        var received = new List<int> { 0 };
        while (received[^1] != 19)
        {
            received.Add(await probe.ExpectMsgAsync<int>(Wait));
        }

        Assert.Equal(received.Order(), received);
        Assert.True(received.Count < 20, $"received all of {string.Join(", ", received)}");
        Assert.Equal(20 - received.Count, Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped - dropped);
    }

    [Fact]
    public async Task A_slow_subscriber_of_a_reliable_topic_loses_nothing_and_holds_the_publisher_back()
    {
        var topic = $"{_prefix}/reliable/clouds";
        var probe = _cluster.CreateProbe(1);
        using var release = new ManualResetEventSlim();
        using var releaseAnyway = new Releaser(release);
        var slow = _cluster[1].ActorOf(SlowSubscriber.Props(probe.Ref, release));
        var subscription = await Bus(1).SubscribeAsync(topic, slow);
        var dropped = Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped;
        // More than the kernel buffers on the way hold (up to 32 MiB received and 4 MiB sent on this machine kind).
        const int count = 120;
        var published = 0;

        var publisher = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < count; i++)
            {
                Bus(0).Publish(topic, Payload(512 * 1024, i));
                Volatile.Write(ref published, i + 1);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        // Full at the subscriber and on the lane: the publisher can only be waiting now.
        var lane = Bus(0).LaneInternals!;
        var node1 = LaneClusterFixture.Address(_cluster, 1);
        // The subscriber's queue may hold a few more than its depth: bytes already read when their envelopes come.
        await AwaitAsync(
            () => subscription.Waiting >= 2 && lane.Queued(node1) >= 2,
            () => $"the subscriber's queue and the lane are full: {subscription.Waiting} waiting, {lane.Queued(node1)} queued, {Volatile.Read(ref published)} published ({publisher.Status}: {publisher.Exception?.InnerException?.Message}), lanes {Bus(0).Lane} / {Bus(1).Lane}");
        var whileStuck = Volatile.Read(ref published);
        var finishedWhileStuck = publisher.IsCompleted;
        release.Set();
        await publisher.WaitAsync(Wait);

        Assert.False(finishedWhileStuck, $"the publisher was held back while the subscriber was stuck ({whileStuck} of {count} published)");
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, await probe.ExpectMsgAsync<int>(Wait));
        }

        Assert.Equal(dropped, Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped);
    }

    [Fact]
    public async Task A_message_its_subscriber_is_still_handling_counts_against_a_reliable_depth_and_the_next_moves_once_the_handler_returns()
    {
        var topic = $"{_prefix}/reliable/handling";
        var probe = _cluster.CreateProbe(1);
        var next = new SemaphoreSlim(0);
        using var releaseAnyway = new StepReleaser(next);
        var stepper = _cluster[1].ActorOf(StepSubscriber.Props(probe.Ref, next));
        var subscription = await Bus(1).SubscribeAsync(topic, stepper);

        Bus(0).Publish(topic, Payload(4, 0));
        Assert.Equal(0, await probe.ExpectMsgAsync<int>(Wait));
        Bus(0).Publish(topic, Payload(4, 1));
        Bus(0).Publish(topic, Payload(4, 2));

        // The first is in the subscriber's hands and the second in its mailbox: the depth of 2 is used up.
        await AwaitAsync(() => subscription.Waiting == 1, () => $"the third waits at the gate: {subscription.Waiting} waiting");
        next.Release();
        Assert.Equal(1, await probe.ExpectMsgAsync<int>(Wait));
        await AwaitAsync(() => subscription.Waiting == 0, () => $"the third went on once the first was handled: {subscription.Waiting} waiting");
        next.Release();
        Assert.Equal(2, await probe.ExpectMsgAsync<int>(Wait));
    }

    [Fact]
    public async Task A_subscriber_of_a_reliable_topic_that_takes_one_message_at_a_time_gets_every_message_in_order()
    {
        var topic = $"{_prefix}/reliable/steps";
        var probe = _cluster.CreateProbe(1);
        var next = new SemaphoreSlim(0);
        using var releaseAnyway = new StepReleaser(next);
        var stepper = _cluster[1].ActorOf(StepSubscriber.Props(probe.Ref, next));
        var subscription = await Bus(1).SubscribeAsync(topic, stepper);
        var dropped = Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped;
        const int count = 40;

        var publisher = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < count; i++)
            {
                Bus(0).Publish(topic, Payload(LaneClusterFixture.Threshold * 2, i));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.Equal(0, await probe.ExpectMsgAsync<int>(Wait));
        // The queue is full, so the lane holds every message from here on until the subscriber's next step makes room.
        await AwaitAsync(() => subscription.Waiting >= 2, () => $"the subscriber's queue is full: {subscription.Waiting} waiting");

        for (var i = 1; i < count; i++)
        {
            next.Release();
            Assert.Equal(i, await probe.ExpectMsgAsync<int>(Wait));
        }

        next.Release();
        await publisher.WaitAsync(Wait);
        Assert.Equal(dropped, Bus(0).Lane!.QosDropped + Bus(1).Lane!.QosDropped);
    }

    [Fact]
    public async Task A_reliable_publish_fails_after_the_publish_timeout_when_its_subscriber_stays_stuck()
    {
        var topic = $"{_prefix}/reliable/stuck";
        var probe = _cluster.CreateProbe(1);
        using var release = new ManualResetEventSlim();
        using var releaseAnyway = new Releaser(release);
        var slow = _cluster[1].ActorOf(SlowSubscriber.Props(probe.Ref, release));
        await Bus(1).SubscribeAsync(topic, slow);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    Bus(0).Publish(topic, Payload(512 * 1024, i));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(90)));
        release.Set();

        Assert.Contains($"'{topic}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("publish-timeout", error.Message, StringComparison.Ordinal);
    }

    // Lets a stuck subscriber go when a test fails before releasing it, so the lane it holds serves the next test.
    private sealed class Releaser(ManualResetEventSlim release) : IDisposable
    {
        public void Dispose() => release.Set();
    }

    // Lets a stepping subscriber run to the end when a test fails before it is done.
    private sealed class StepReleaser(SemaphoreSlim next) : IDisposable
    {
        public void Dispose() => next.Release(1000);
    }

    private Task AwaitAsync(Func<bool> condition, string what) => AwaitAsync(condition, () => what);

    private Task AwaitAsync(Func<bool> condition, Func<string> what) =>
        _cluster.CreateProbe(0).AwaitAssertAsync(() => Assert.True(condition(), what()), Wait);

    /// <summary>Reports each payload's sequence number, and is stuck on the first until released.</summary>
    private sealed class SlowSubscriber : ReceiveActor
    {
        // Stuck on a thread of its own, so the other nodes' actors in this process keep theirs.
        public static Props Props(IActorRef report, ManualResetEventSlim release) =>
            Akka.Actor.Props.Create(() => new SlowSubscriber(report, release)).WithDispatcher("akka.actor.default-blocking-io-dispatcher");

        public SlowSubscriber(IActorRef report, ManualResetEventSlim release)
        {
            var first = true;
            Receive<TopicMessage>(message =>
            {
                report.Tell(BinaryPrimitives.ReadInt32LittleEndian((byte[])message.Payload));
                if (first)
                {
                    first = false;
                    release.Wait(TimeSpan.FromSeconds(90));
                }
            });
        }
    }
}

/// <summary>Reports each payload's sequence number, then takes the next message only when the test says so.</summary>
internal sealed class StepSubscriber : ReceiveActor
{
    public StepSubscriber(IActorRef report, SemaphoreSlim next) =>
        Receive<TopicMessage>(message =>
        {
            report.Tell(BinaryPrimitives.ReadInt32LittleEndian((byte[])message.Payload));
            next.Wait(TimeSpan.FromSeconds(90));
        });

    // Waits on a thread of its own, so the other nodes' actors in this process keep theirs.
    public static Props Props(IActorRef report, SemaphoreSlim next) =>
        Akka.Actor.Props.Create(() => new StepSubscriber(report, next)).WithDispatcher("akka.actor.default-blocking-io-dispatcher");
}

public sealed record PointCloud(string Frame, float[] Points);
