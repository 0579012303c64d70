using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Paths;
using Cluster.Tests.MultiNode;
using Xunit;
using static Cluster.Tests.Paths.PathsTesting;

namespace Cluster.Tests.Paths;

public sealed class PathOwnerLossSpec
{
    [Fact]
    public async Task When_the_owning_actor_stops_its_states_turn_Unknown_for_observers_and_its_actions_disappear()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var agent = cluster[1].ActorOf(Props.Create(() => new Idle()), "voltmeter");
        var owner = PathClient.Create(cluster[1], "/rover", agent);
        var state = await owner.RegisterStateAsync<double>("battery/voltage");
        await owner.RegisterActionAsync("battery/reset", () => true);
        state.Changed(12.0);
        await using var observer = PathClient.Create(cluster[0]);
        await AwaitRegisteredAsync(cluster, 0, "/rover/battery/reset");
        var seen = new List<StateValue<double>>();
        await using var observation = await observer.ObserveAsync<double>("/rover/battery/voltage", v => { lock (seen) { seen.Add(v); } });

        cluster[1].Stop(agent);

        Assert.Equal(12.0, observation.Initial);
        await AwaitAsync(cluster, () => Assert.Equal([StateValue<double>.Unknown], Copy(seen)));
        await AwaitRegisteredAsync(cluster, 0, "/rover/battery/reset", registered: false);
        var error = await Assert.ThrowsAsync<PathNotFoundException>(() => observer.CallAsync<bool>("/rover/battery/reset"));
        Assert.Equal("path_not_found", error.ErrorName);
    }

    [Fact]
    public async Task When_the_owners_node_leaves_its_states_turn_Unknown_its_actions_fail_and_event_listeners_stay_for_the_next_owner()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var owner = PathClient.Create(cluster[2]);
        var state = await owner.RegisterStateAsync<double>("/rover/battery/voltage");
        await owner.RegisterActionAsync("/rover/arm/home", () => true);
        var alerts = await owner.RegisterEventAsync<string>("/rover/alerts");
        state.Changed(12.0);
        await using var observer = PathClient.Create(cluster[0]);
        await AwaitRegisteredAsync(cluster, 0, "/rover/arm/home");
        var seen = new List<StateValue<double>>();
        var heard = new List<string>();
        await using var observation = await observer.ObserveAsync<double>("/rover/battery/voltage", v => { lock (seen) { seen.Add(v); } });
        await using var listening = await observer.ListenAsync<string>("/rover/alerts", e => { lock (heard) { heard.Add(e); } });
        alerts.Emit("before");
        await AwaitAsync(cluster, () => Assert.Equal(["before"], Copy(heard)));

        await cluster.StopNodeAsync(2);

        await AwaitAsync(cluster, () => Assert.Equal([StateValue<double>.Unknown], Copy(seen)));
        await AwaitRegisteredAsync(cluster, 0, "/rover/arm/home", registered: false);
        await Assert.ThrowsAsync<PathNotFoundException>(() => observer.CallAsync<bool>("/rover/arm/home"));

        // Each node's registry forgets the gone owner on its own; the next owner's node must have done so first.
        await AwaitRegisteredAsync(cluster, 1, "/rover/alerts", registered: false);
        await AwaitRegisteredAsync(cluster, 1, "/rover/battery/voltage", registered: false);
        await using var next = PathClient.Create(cluster[1]);
        var nextAlerts = await next.RegisterEventAsync<string>("/rover/alerts");
        var nextState = await next.RegisterStateAsync<double>("/rover/battery/voltage");
        nextAlerts.Emit("after");
        nextState.Changed(11.5);
        await AwaitAsync(cluster, () => Assert.Equal(["before", "after"], Copy(heard)));
        await AwaitAsync(cluster, () => Assert.Equal([StateValue<double>.Unknown, 11.5], Copy(seen)));
    }

    [Fact]
    public async Task When_the_owners_node_is_downed_like_a_crash_observers_see_Unknown_and_a_call_in_flight_fails_with_client_exited()
    {
        // What the split brain resolver does to a crashed node, done at once by hand.
        await using var cluster = await TestCluster.StartAsync(3);
        var owner = PathClient.Create(cluster[2]);
        var state = await owner.RegisterStateAsync<double>("/rover/battery/voltage");
        var entered = new TaskCompletionSource();
        await owner.RegisterActionAsync("/rover/arm/home", () =>
        {
            entered.TrySetResult();
            return new TaskCompletionSource<bool>().Task;
        });
        state.Changed(12.0);
        await using var observer = PathClient.Create(cluster[0]);
        await AwaitRegisteredAsync(cluster, 0, "/rover/arm/home");
        var seen = new List<StateValue<double>>();
        await using var observation = await observer.ObserveAsync<double>("/rover/battery/voltage", v => { lock (seen) { seen.Add(v); } });
        var call = observer.CallAsync<bool>("/rover/arm/home");
        await entered.Task.WaitAsync(Wait);

        Akka.Cluster.Cluster.Get(cluster[1]).Down(Akka.Cluster.Cluster.Get(cluster[2]).SelfAddress);

        var error = await Assert.ThrowsAsync<ClientExitedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("client_exited", error.ErrorName);
        Assert.IsType<TargetTerminatedException>(error.InnerException);
        await AwaitAsync(cluster, () => Assert.Equal([StateValue<double>.Unknown], Copy(seen)));
    }

    [Fact]
    public async Task Observers_of_a_state_that_was_already_Unknown_are_not_told_when_its_owner_goes()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var owner = PathClient.Create(cluster[1]);
        var state = await owner.RegisterStateAsync<double>("/rover/battery/voltage");
        var marker = await owner.RegisterStateAsync<double>("/rover/marker");
        marker.Changed(1.0);
        await using var observer = PathClient.Create(cluster[0]);
        await AwaitRegisteredAsync(cluster, 0, "/rover/marker");
        var seen = new List<StateValue<double>>();
        var markerSeen = new List<StateValue<double>>();
        await using var observation = await observer.ObserveAsync<double>("/rover/battery/voltage", v => { lock (seen) { seen.Add(v); } });
        await using var markerObservation = await observer.ObserveAsync<double>("/rover/marker", v => { lock (markerSeen) { markerSeen.Add(v); } });

        await owner.DisposeAsync();

        // The known state's observer hears of the loss; by then the unknown one's would have too, had it been told.
        await AwaitAsync(cluster, () => Assert.Equal([StateValue<double>.Unknown], Copy(markerSeen)));
        await AwaitRegisteredAsync(cluster, 0, "/rover/battery/voltage", registered: false);
        Assert.False(observation.Initial.IsKnown);
        Assert.Empty(Copy(seen));
    }

    private static List<T> Copy<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    private static Task AwaitAsync(TestCluster cluster, Action assertion) => cluster.CreateProbe(0).AwaitAssertAsync(assertion, TimeSpan.FromSeconds(30));

    private sealed class Idle : ReceiveActor
    {
    }
}
