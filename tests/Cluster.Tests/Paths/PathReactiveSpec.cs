using System.Reactive.Subjects;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Paths;
using Cluster.Tests.MultiNode;
using Xunit;
using static Cluster.Tests.Paths.PathsTesting;

namespace Cluster.Tests.Paths;

public sealed class PathReactiveSpec(TwoNodeClusterFixture fixture) : IClassFixture<TwoNodeClusterFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_state_as_an_observable_holds_its_value_or_Unknown_at_once_and_follows_each_change()
    {
        var path = UniquePath("voltage");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var observer = PathClient.Create(Cluster[0]);
        var state = await owner.RegisterStateAsync<double>(path);
        await AwaitRegisteredAsync(Cluster, 0, path);
        await using var value = await observer.ObserveValueAsync<double>(path);
        var seen = new List<StateValue<double>>();
        using var subscription = value.Subscribe(v => { lock (seen) { seen.Add(v); } });

        state.Changed(12.0);
        state.Unknown();

        await AwaitAsync(() => Assert.Equal([StateValue<double>.Unknown, 12.0, StateValue<double>.Unknown], Copy(seen)));
        Assert.False(value.Value.IsKnown);
    }

    [Fact]
    public async Task A_state_registered_from_an_observable_follows_its_values_and_its_Unknowns()
    {
        var path = UniquePath("speed");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var observer = PathClient.Create(Cluster[0]);
        using var source = new Subject<StateValue<double>>();
        await using var following = await owner.RegisterStateAsync(path, source);
        await AwaitRegisteredAsync(Cluster, 0, path);
        var seen = new List<StateValue<double>>();
        await using var observation = await observer.ObserveAsync<double>(path, v => { lock (seen) { seen.Add(v); } });

        source.OnNext(1.5);
        source.OnNext(Unknown.Value);
        source.OnNext(2.5);

        Assert.False(observation.Initial.IsKnown);
        await AwaitAsync(() => Assert.Equal([1.5, StateValue<double>.Unknown, 2.5], Copy(seen)));
    }

    [Fact]
    public async Task Set_when_known_sets_a_property_for_each_known_value_and_skips_Unknown()
    {
        var path = UniquePath("max_speed");
        var sets = new List<double>();
        await using var owner = PathClient.Create(Cluster[1]);
        await using var driver = PathClient.Create(Cluster[0]);
        await owner.RegisterPropertyAsync<double>(path, () => 0, v => { lock (sets) { sets.Add(v); } });
        await AwaitRegisteredAsync(Cluster, 0, path);
        await using var runner = new SerialTaskRunner(NodeClock.Get(Cluster[0]).Clock);
        using var source = new Subject<StateValue<double>>();
        using var subscription = driver.SetWhenKnown(path, source, runner);

        source.OnNext(1.0);
        source.OnNext(StateValue<double>.Unknown);
        source.OnNext(2.0);

        await AwaitAsync(() => Assert.Equal(2, runner.Completed));
        Assert.Equal([1.0, 2.0], Copy(sets));
    }

    [Fact]
    public async Task Call_when_known_calls_an_action_with_each_known_value()
    {
        var path = UniquePath("beep");
        var calls = new List<int>();
        await using var owner = PathClient.Create(Cluster[1]);
        await using var driver = PathClient.Create(Cluster[0]);
        await owner.RegisterActionAsync<int, bool>(path, n => { lock (calls) { calls.Add(n); } return true; });
        await AwaitRegisteredAsync(Cluster, 0, path);
        await using var runner = new RunInTask();
        using var source = new Subject<StateValue<int>>();
        using var subscription = driver.CallWhenKnown(path, source, runner);

        source.OnNext(StateValue<int>.Unknown);
        source.OnNext(3);

        await AwaitAsync(() => Assert.Equal([3], Copy(calls)));
    }

    private static List<T> Copy<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    private Task AwaitAsync(Action assertion) => Cluster.CreateProbe(0).AwaitAssertAsync(assertion, Wait);
}
