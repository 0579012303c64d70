using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.ClusterTime;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;
using Cluster.Contracts.Topics;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Clocks;

/// <summary>A timer's firing, published by the node it fired on.</summary>
/// <param name="Node">The node's index.</param>
/// <param name="Time">The node's clock time when it fired.</param>
public sealed record Firing(int Node, double Time);

/// <summary>Sent by a node after its last firing: every firing it published before arrives first.</summary>
/// <param name="Node">The node's index.</param>
public sealed record FiringsDone(int Node);

/// <summary>Cluster-wide simulated time: a clock source on node 0 and nodes following it, in one process.</summary>
public sealed class ClusterClockSpec
{
    private const string FollowMode = "cluster-node.clock.mode = follow";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tenth = TimeSpan.FromMilliseconds(100);

    private static Task<TestCluster> StartAsync(int count, ClockSourceSettings? settings = null, string hocon = FollowMode) =>
        TestCluster.StartAsync(
            count,
            (akka, index) =>
            {
                if (index == 0)
                {
                    akka.WithActors((system, _) => system.ActorOf(ClockSource.Props(settings ?? new ClockSourceSettings()), "clock"));
                }
            },
            hocon);

    private static ClusterClock Clock(TestCluster cluster, int node = 0) => ClusterClock.Get(cluster[node]);

    private static double TimeOf(TestCluster cluster, int node) => NodeClock.Get(cluster[node]).Clock.Time;

    private static async Task<ClockStatus> AwaitFollowersAsync(TestCluster cluster, int count)
    {
        var probe = cluster.CreateProbe(0);
        ClockStatus status = null!;
        await probe.AwaitAssertAsync(
            async () =>
            {
                status = await Clock(cluster).GetStatusAsync(Wait);
                Assert.Equal(count, status.Followers.Length);
            },
            Wait,
            TimeSpan.FromMilliseconds(20));
        return status;
    }

    private static Task AwaitEveryClockAsync(TestCluster cluster, double time) =>
        cluster.CreateProbe(0).AwaitAssertAsync(
            () => Assert.All(cluster.Nodes, node => Assert.Equal(time, NodeClock.Get(node).Clock.Time)),
            Wait,
            TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Every_following_node_reads_the_time_the_source_stepped_to()
    {
        await using var cluster = await StartAsync(3);
        var before = await AwaitFollowersAsync(cluster, 3);
        Assert.Equal("step", before.Mode);
        Assert.Equal(0.0, before.Time);

        var after = await Clock(cluster, 2).StepAsync(TimeSpan.FromSeconds(1), Wait);

        Assert.Equal(1.0, after.Time);
        Assert.Equal(1, after.Sequence);
        Assert.All(after.Followers, f => Assert.Equal(1.0, f.Time));
        await AwaitEveryClockAsync(cluster, 1.0);
        Assert.All(cluster.Nodes, node => Assert.Equal(after.UtcNow, NodeClock.Get(node).Clock.UtcNow));
        Assert.EndsWith("/user/clock", after.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timers_on_two_following_nodes_fire_in_simulated_time_order()
    {
        await using var cluster = await StartAsync(3);
        await AwaitFollowersAsync(cluster, 3);
        var topic = "firings-" + Guid.NewGuid().ToString("N")[..8];
        var probe = cluster.CreateProbe(0);
        await TopicBus.Get(cluster[0]).SubscribeAsync(topic, probe.Ref);
        void FireAt(int node, double t)
        {
            var clock = NodeClock.Get(cluster[node]).Clock;
            var bus = TopicBus.Get(cluster[node]);
            clock.CallAt(t, () => bus.Publish(topic, new Firing(node, clock.Time)));
        }

        FireAt(1, 0.3);
        FireAt(2, 0.2);
        FireAt(2, 0.5);
        Firing[] expected = [new(2, 0.2), new(1, 0.3), new(2, 0.5)];

        // Each step returns once every node has run its timers due by then; the firings of one step are
        // collected before the next step, so the observed order is the simulated order, on every run.
        var observed = new List<Firing>();
        for (var step = 1; step <= 6; step++)
        {
            var status = await Clock(cluster).StepAsync(Tenth, Wait);
            var due = expected.Count(f => f.Time <= status.Time);
            while (observed.Count < due)
            {
                observed.Add((Firing)(await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload);
            }
        }

        // Messages from one node arrive in publish order: a late or duplicate firing would come before its node's end mark.
        TopicBus.Get(cluster[1]).Publish(topic, new FiringsDone(1));
        TopicBus.Get(cluster[2]).Publish(topic, new FiringsDone(2));
        var done = 0;
        while (done < 2)
        {
            switch ((await probe.ExpectMsgAsync<TopicMessage>(Wait)).Payload)
            {
                case FiringsDone:
                    done++;
                    break;
                case Firing firing:
                    observed.Add(firing);
                    break;
            }
        }

        Assert.Equal(expected, observed);
    }

    [Fact]
    public async Task A_node_that_joins_late_starts_from_the_current_time()
    {
        await using var cluster = await StartAsync(2);
        await AwaitFollowersAsync(cluster, 2);
        await Clock(cluster).StepAsync(TimeSpan.FromSeconds(2), Wait);

        var late = await cluster.AddNodeAsync();

        await AwaitFollowersAsync(cluster, 3);
        await AwaitEveryClockAsync(cluster, 2.0);
        Assert.Equal(NodeClock.Get(cluster[0]).Clock.UtcNow, NodeClock.Get(late).Clock.UtcNow);

        var fired = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lateClock = NodeClock.Get(late).Clock;
        lateClock.CallAt(2.5, () => fired.TrySetResult(lateClock.Time));
        await Clock(cluster).StepAsync(TimeSpan.FromMilliseconds(500), Wait);

        Assert.Equal(2.5, await fired.Task.WaitAsync(Wait));
        await AwaitEveryClockAsync(cluster, 2.5);
    }

    [Fact]
    public async Task Running_as_fast_as_possible_advances_every_node_and_pause_stops_it()
    {
        await using var cluster = await StartAsync(2);
        await AwaitFollowersAsync(cluster, 2);

        var running = await Clock(cluster, 1).RunAsync(0, Wait);
        Assert.Equal("run", running.Mode);
        Assert.Equal(0.0, running.Rate);
        await cluster.CreateProbe(0).AwaitAssertAsync(
            async () => Assert.True((await Clock(cluster).GetStatusAsync(Wait)).Time >= 0.5),
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(50));
        Assert.True(TimeOf(cluster, 1) > 0);

        var paused = await Clock(cluster).PauseAsync(Wait);
        var first = await Clock(cluster).GetStatusAsync(Wait);
        var second = await Clock(cluster, 1).GetStatusAsync(Wait);

        Assert.Equal("pause", paused.Mode);
        Assert.Equal(paused.Time, first.Time);
        Assert.Equal(first.Time, second.Time);
        Assert.Equal(first.Sequence, second.Sequence);
        await AwaitEveryClockAsync(cluster, first.Time);
    }

    [Fact]
    public async Task Running_at_a_rate_advances_the_time_and_reports_the_mode_and_rate()
    {
        await using var cluster = await StartAsync(2);
        await AwaitFollowersAsync(cluster, 2);

        var running = await Clock(cluster).RunAsync(10, Wait);

        Assert.Equal("run", running.Mode);
        Assert.Equal(10.0, running.Rate);
        await cluster.CreateProbe(0).AwaitAssertAsync(
            async () =>
            {
                var status = await Clock(cluster).GetStatusAsync(Wait);
                Assert.True(status.Time > running.Time, $"time {status.Time} did not advance from {running.Time}");
                Assert.Equal("run", status.Mode);
                Assert.Equal(10.0, status.Rate);
                Assert.True(TimeOf(cluster, 1) > running.Time);
            },
            Wait,
            TimeSpan.FromMilliseconds(50));
        var paused = await Clock(cluster).PauseAsync(Wait);
        Assert.Equal(0.0, paused.Rate);
    }

    [Fact]
    public async Task A_silent_follower_is_dropped_after_the_timeout_counted_again_when_it_acknowledges_and_dropped_at_once_when_it_stops()
    {
        var settings = new ClockSourceSettings { ResendInterval = TimeSpan.FromMilliseconds(100), FollowerTimeout = TimeSpan.FromSeconds(1) };
        await using var cluster = await StartAsync(1, settings);
        await AwaitFollowersAsync(cluster, 1);
        var source = await cluster[0].ActorSelection("/user/clock").ResolveOne(Wait);
        var silent = cluster.CreateProbe(0);
        source.Tell(new FollowClock("akka.tcp://silent@127.0.0.1:1", 0), silent.Ref);
        await silent.ExpectMsgAsync<ClockTick>(Wait);
        await AwaitFollowersAsync(cluster, 2);

        var stepped = await Clock(cluster).StepAsync(TimeSpan.FromSeconds(1), Wait);

        Assert.Equal(1.0, stepped.Time);
        Assert.DoesNotContain(stepped.Followers, f => f.Node.Contains("silent", StringComparison.Ordinal));
        Assert.Equal(1.0, TimeOf(cluster, 0));

        // Up to date again, it cannot time out: only its stop can drop it now.
        source.Tell(new ClockTickApplied(stepped.Sequence, 1.0), silent.Ref);
        await AwaitFollowersAsync(cluster, 2);
        cluster[0].Stop(silent.Ref);
        await AwaitFollowersAsync(cluster, 1);
    }

    [Fact]
    public async Task Without_a_source_clock_commands_fail_naming_the_cluster_and_a_source_on_a_real_clock_node_refuses_to_start()
    {
        await using var cluster = await TestCluster.StartAsync(1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Clock(cluster).GetStatusAsync(Wait));
        Assert.Equal($"no clock source is running in cluster '{cluster.Group}'.", error.Message);

        var watcher = cluster.CreateProbe(0);
        var source = cluster[0].ActorOf(ClockSource.Props(new ClockSourceSettings()), "clock");
        watcher.Watch(source);
        await watcher.ExpectTerminatedAsync(source, Wait);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Clock(cluster).StepAsync(Tenth, Wait));
    }
}
