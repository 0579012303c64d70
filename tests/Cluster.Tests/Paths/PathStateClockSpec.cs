using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Paths;
using Cluster.Tests.MultiNode;
using Xunit;
using static Cluster.Tests.Paths.PathsTesting;

namespace Cluster.Tests.Paths;

/// <summary>
/// The time since a state's last change (ESHET's <c>observe_t</c>) on simulated clocks: each node's clock moves only
/// when the test moves it, so the time an observer reports is exactly the simulated time that passed.
/// </summary>
public sealed class PathStateClockSpec : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    private ExternalClock ObserverClock => NodeClock.Get(_cluster[0]).External;

    private ExternalClock OwnerClock => NodeClock.Get(_cluster[1]).External;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(2, extraHocon: "cluster-node.clock.mode = external");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task The_time_since_the_last_change_is_the_simulated_time_passed_on_the_owner_before_observing_then_on_the_observer()
    {
        // Whole seconds from here on, so the clocks' timestamps hold the times exactly.
        ObserverClock.SetTime(Math.Floor(ObserverClock.Time) + 1);
        OwnerClock.SetTime(Math.Floor(OwnerClock.Time) + 1);
        var path = UniquePath("voltage");
        await using var owner = PathClient.Create(_cluster[1]);
        await using var observer = PathClient.Create(_cluster[0]);
        var voltage = await owner.RegisterStateAsync<double>(path);
        voltage.Changed(12.4);
        await AwaitRegisteredAsync(_cluster, 0, path);

        OwnerClock.SetTime(OwnerClock.Time + 5);
        await using var observation = await observer.ObserveAsync<double>(path, _ => { });

        Assert.Equal(12.4, observation.Initial);
        Assert.Equal(TimeSpan.FromSeconds(5), observation.SinceLastChange);

        ObserverClock.SetTime(ObserverClock.Time + 3);
        Assert.Equal(TimeSpan.FromSeconds(8), observation.SinceLastChange);

        voltage.Changed(12.3);
        await _cluster.CreateProbe(0).AwaitAssertAsync(() => Assert.Equal(12.3, observation.Current), Wait);
        Assert.Equal(TimeSpan.Zero, observation.SinceLastChange);

        ObserverClock.SetTime(ObserverClock.Time + 2);
        Assert.Equal(TimeSpan.FromSeconds(2), observation.SinceLastChange);
    }
}
