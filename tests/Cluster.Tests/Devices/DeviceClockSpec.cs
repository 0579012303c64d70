using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Devices;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Devices;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Devices;

/// <summary>Devices on a node whose clock is simulated: periodic work follows the clock exactly.</summary>
public sealed class DeviceClockSpec : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(1, extraHocon: "cluster-node.clock.mode = external\ncluster-node.devices.heartbeat-interval = 0s");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private ExternalClock Clock => NodeClock.Get(_cluster[0]).External;

    private Task<int> RunsAsync(string device) =>
        CallClient.Get(_cluster[0]).RequestAsync<int>(device, new EndpointCall("runs", []), Wait);

    [Fact]
    public async Task Every_100_ms_fires_exactly_10_times_over_one_simulated_second()
    {
        var probe = _cluster.CreateProbe(0);
        await NamedActors.StartAsync(_cluster[0], Props.Create(() => new TickingDevice(probe.Ref, "100 ms", -1)), "ticker");

        Clock.SetTime(Clock.Time + 1.0);

        Assert.Equal(10, await RunsAsync("ticker"));
    }

    [Fact]
    public async Task Periodic_work_that_throws_is_logged_and_keeps_its_schedule()
    {
        var probe = _cluster.CreateProbe(0);
        await NamedActors.StartAsync(_cluster[0], Props.Create(() => new TickingDevice(probe.Ref, "0.5 s", 2)), "flaky");

        for (var i = 0; i < 4; i++)
        {
            Clock.SetTime(Clock.Time + 0.5);
        }

        Assert.Equal(4, await RunsAsync("flaky"));
    }

    [Fact]
    public async Task A_task_starts_after_the_device_starts_and_is_cancelled_when_it_stops()
    {
        var probe = _cluster.CreateProbe(0);
        var device = await NamedActors.StartAsync(_cluster[0], Props.Create(() => new TickingDevice(probe.Ref, "1 s", -1)), "tasked");

        await probe.ExpectMsgAsync("task started after registration", Wait);
        _cluster[0].Stop(device);
        await probe.ExpectMsgAsync("task cancelled", Wait);
    }
}
