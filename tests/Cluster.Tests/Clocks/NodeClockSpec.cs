using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Xunit;

namespace Cluster.Tests.Clocks;

public sealed class NodeClockSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public void The_default_mode_is_a_real_time_clock()
    {
        using var system = Start(null);

        var node = NodeClock.Get(system);

        Assert.Equal(NodeClockMode.Real, node.Mode);
        Assert.IsType<RealTimeClock>(node.Clock);
        Assert.Same(node, NodeClock.Get(system));
        Assert.Equal("real", system.Settings.Config.GetString(NodeClock.ModeKey));
    }

    [Fact]
    public void External_mode_gives_an_external_clock_starting_at_the_system_start_and_reachable_as_External()
    {
        using var system = Start("external");

        var node = NodeClock.Get(system);

        Assert.Equal(NodeClockMode.External, node.Mode);
        Assert.Same(node.External, node.Clock);
        Assert.Equal(0.0, node.Clock.Time);
        Assert.Equal(DateTimeOffset.UnixEpoch + system.StartTime, node.Clock.UtcNow);
        node.External.SetTime(12.5);
        Assert.Equal(12.5, node.Clock.Time);
    }

    [Fact]
    public void Follow_mode_gives_an_external_clock_for_the_cluster_clock_source_to_advance()
    {
        using var system = Start("follow");

        var node = NodeClock.Get(system);

        Assert.Equal(NodeClockMode.Follow, node.Mode);
        Assert.Same(node.External, node.Clock);
    }

    [Fact]
    public void An_unknown_mode_fails_naming_the_key_the_value_and_the_valid_modes()
    {
        using var system = Start("warp-speed");

        var error = Assert.Throws<ClusterConfigurationException>(() => NodeClock.Get(system));

        Assert.Equal(NodeClock.ModeKey, error.Key);
        Assert.Equal("warp-speed", error.Value);
        Assert.Contains("cluster-node.clock.mode = 'warp-speed'", error.Message, StringComparison.Ordinal);
        Assert.Contains("real, external and follow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void External_on_a_real_time_clock_throws_a_clear_error()
    {
        using var system = Start("real");

        var error = Assert.Throws<InvalidOperationException>(() => NodeClock.Get(system).External);

        Assert.Contains("cluster-node.clock.mode = real", error.Message, StringComparison.Ordinal);
        Assert.Contains("cluster-node.clock.mode = external", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetClock_inside_an_actor_returns_the_nodes_clock()
    {
        using var system = Start("external");
        var actor = system.ActorOf(Props.Create(() => new ClockReporter()));

        var clock = await actor.Ask<Clock>(ClockReporter.Report, Patience);

        Assert.Same(NodeClock.Get(system).Clock, clock);
    }

    [Fact]
    public async Task ScheduleTellOnce_delivers_the_message_when_the_clock_reaches_the_due_time()
    {
        using var system = Start("external");
        var inbox = Inbox.Create(system);
        var clock = NodeClock.Get(system).External;

        clock.ScheduleTellOnce(TimeSpan.FromSeconds(2), inbox.Receiver, "wake up");
        clock.SetTime(1.0);
        Assert.Equal(1, clock.PendingCount);
        clock.SetTime(2.0);

        Assert.Equal("wake up", await inbox.ReceiveAsync(Patience));
        Assert.Equal(0, clock.PendingCount);
    }

    private static ActorSystem Start(string? mode)
    {
        var config = ConfigurationFactory.ParseString("akka.actor.provider = local");
        if (mode is not null)
        {
            config = ConfigurationFactory.ParseString($"cluster-node.clock.mode = \"{mode}\"").WithFallback(config);
        }

        return ActorSystem.Create("node-clock-spec", config);
    }

    private sealed class ClockReporter : ReceiveActor
    {
        public const string Report = "report";

        public ClockReporter() => Receive<string>(_ => Sender.Tell(Context.GetClock()));
    }
}
