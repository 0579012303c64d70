using Cluster.Agents.Core.Calls;
using Cluster.Agents.Paths;
using Cluster.Tests.MultiNode;
using Xunit;
using static Cluster.Tests.Paths.PathsTesting;

namespace Cluster.Tests.Paths;

// The owner lives on node 1 and the caller on node 0, so every call crosses nodes.
public sealed class PathsSpec(TwoNodeClusterFixture fixture) : IClassFixture<TwoNodeClusterFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task An_action_registered_on_one_node_is_called_from_another_with_its_arguments()
    {
        var path = UniquePath("add");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        await owner.RegisterActionAsync<int, int, int>(path, (a, b) => a + b);
        await AwaitRegisteredAsync(Cluster, 0, path);

        Assert.Equal(5, await caller.CallAsync<int>(path, 2, 3));
    }

    [Fact]
    public async Task An_async_action_handler_is_awaited_and_its_result_returned_to_the_caller()
    {
        var path = UniquePath("echo");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        await owner.RegisterActionAsync<string, Task<string>>(path, async text =>
        {
            await Task.Yield();
            return text + "!";
        });
        await AwaitRegisteredAsync(Cluster, 0, path);

        Assert.Equal("home!", await caller.CallAsync<string>(path, "home"));
    }

    [Fact]
    public async Task An_action_can_take_any_number_of_arguments_as_they_arrive()
    {
        var path = UniquePath("join");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        await owner.RegisterActionAsync(path, args => string.Join(",", args));
        await AwaitRegisteredAsync(Cluster, 0, path);

        Assert.Equal("a,1,True", await caller.CallAsync<string>(path, "a", 1, true));
    }

    [Fact]
    public async Task A_throwing_action_handler_gives_the_caller_its_message_and_the_action_keeps_serving()
    {
        var path = UniquePath("fail");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        await owner.RegisterActionAsync<bool, string>(path, fail => fail ? throw new InvalidOperationException("the arm is not homed") : "ok");
        await AwaitRegisteredAsync(Cluster, 0, path);

        var error = await Assert.ThrowsAsync<RemoteException>(() => caller.CallAsync<string>(path, true));

        Assert.Equal("the arm is not homed", error.RemoteMessage);
        Assert.Equal("ok", await caller.CallAsync<string>(path, false));
    }

    [Fact]
    public async Task Registering_a_taken_path_fails_with_path_already_exists_naming_the_owner()
    {
        var path = UniquePath("taken");
        await using var first = PathClient.Create(Cluster[1]);
        await using var second = PathClient.Create(Cluster[0]);
        await first.RegisterActionAsync(path, () => 1);
        await AwaitRegisteredAsync(Cluster, 0, path);

        var error = await Assert.ThrowsAsync<PathAlreadyExistsException>(() => second.RegisterStateAsync<int>(path));

        Assert.Equal("path_already_exists", error.ErrorName);
        Assert.Equal(path, error.Path);
        Assert.Contains("an action", error.Message, StringComparison.Ordinal);
        Assert.Contains(Akka.Cluster.Cluster.Get(Cluster[1]).SelfAddress.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_leaf_cannot_hold_children_and_a_directory_cannot_become_a_leaf()
    {
        var directory = UniquePath("arm");
        await using var client = PathClient.Create(Cluster[0]);
        await client.RegisterActionAsync(directory + "/home", () => 1);

        var isDirectory = await Assert.ThrowsAsync<PathIsDirectoryException>(() => client.RegisterStateAsync<int>(directory));
        var notDirectory = await Assert.ThrowsAsync<NotADirectoryException>(() => client.RegisterStateAsync<int>(directory + "/home/speed"));

        Assert.Equal("path_is_directory", isDirectory.ErrorName);
        Assert.Contains(directory + "/home", isDirectory.Message, StringComparison.Ordinal);
        Assert.Equal("not_a_directory", notDirectory.ErrorName);
        Assert.Contains(directory + "/home", notDirectory.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operation_on_a_path_nobody_owns_fails_at_once_with_path_not_found()
    {
        var path = UniquePath("nothing");
        await using var client = PathClient.Create(Cluster[0]);

        var call = await Assert.ThrowsAsync<PathNotFoundException>(() => client.CallAsync<int>(path));
        var get = await Assert.ThrowsAsync<PathNotFoundException>(() => client.GetAsync<int>(path));
        var set = await Assert.ThrowsAsync<PathNotFoundException>(() => client.SetAsync(path, 1));

        Assert.All([call, get, set], e => Assert.Equal("path_not_found", e.ErrorName));
        Assert.Contains(path, call.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operation_of_the_wrong_kind_fails_with_wrong_type_of_node()
    {
        var path = UniquePath("voltage");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        await owner.RegisterStateAsync<double>(path);
        await AwaitRegisteredAsync(Cluster, 0, path);

        var call = await Assert.ThrowsAsync<WrongTypeOfNodeException>(() => caller.CallAsync<int>(path));
        var listen = await Assert.ThrowsAsync<WrongTypeOfNodeException>(() => caller.ListenAsync<int>(path, _ => { }));

        Assert.Equal("wrong_type_of_node", call.ErrorName);
        Assert.Contains("a state, not an action", call.Message, StringComparison.Ordinal);
        Assert.Contains("a state, not an event", listen.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_property_is_got_and_set_from_another_node_through_its_getter_and_setter()
    {
        var path = UniquePath("max_speed");
        var speed = 1.0;
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        await owner.RegisterPropertyAsync<double>(path, () => speed, value => speed = value);
        await AwaitRegisteredAsync(Cluster, 0, path);

        await caller.SetAsync(path, 2.5);

        Assert.Equal(2.5, speed);
        Assert.Equal(2.5, await caller.GetAsync<double>(path));
    }

    [Fact]
    public async Task Setting_a_property_or_state_without_a_setter_fails_with_not_implemented()
    {
        var property = UniquePath("fixed");
        var state = UniquePath("readonly");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        await owner.RegisterPropertyAsync(property, () => 1);
        await owner.RegisterStateAsync<int>(state);
        await AwaitRegisteredAsync(Cluster, 0, property);
        await AwaitRegisteredAsync(Cluster, 0, state);

        var onProperty = await Assert.ThrowsAsync<PathNotImplementedException>(() => caller.SetAsync(property, 2));
        var onState = await Assert.ThrowsAsync<PathNotImplementedException>(() => caller.SetAsync(state, 2));

        Assert.Equal("not_implemented", onProperty.ErrorName);
        Assert.Contains(state, onState.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relative_paths_resolve_against_the_clients_base_path()
    {
        var root = UniquePath("rover");
        await using var owner = PathClient.Create(Cluster[1], root);
        await using var caller = PathClient.Create(Cluster[0], root + "/arm");
        var home = await owner.RegisterActionAsync("arm/home", () => "homed");
        await AwaitRegisteredAsync(Cluster, 0, root + "/arm/home");

        Assert.Equal(root + "/arm/home", home.Path);
        Assert.Equal("homed", await caller.CallAsync<string>("home"));
        Assert.Equal("homed", await caller.CallAsync<string>(root + "/arm/home"));
    }

    [Fact]
    public async Task Changing_or_unknowning_a_state_another_client_owns_fails_with_not_owner()
    {
        var path = UniquePath("voltage");
        await using var owner = PathClient.Create(Cluster[0]);
        await using var other = PathClient.Create(Cluster[0]);
        await owner.RegisterStateAsync<double>(path);

        var changed = Assert.Throws<NotOwnerException>(() => other.StateChanged(path, 1.0));
        var unknown = Assert.Throws<NotOwnerException>(() => other.StateUnknown(path));
        owner.StateChanged(path, 12.0);

        Assert.Equal("not_owner", changed.ErrorName);
        Assert.Equal("not_owner", unknown.ErrorName);
        Assert.Equal(12.0, await other.GetAsync<double>(path));
    }

    [Fact]
    public async Task Get_returns_a_states_value_or_fails_with_state_unknown()
    {
        var path = UniquePath("voltage");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        var state = await owner.RegisterStateAsync<double>(path);
        await AwaitRegisteredAsync(Cluster, 0, path);

        var unknown = await Assert.ThrowsAsync<StateUnknownException>(() => caller.GetAsync<double>(path));
        state.Changed(12.5);

        Assert.Equal("state_unknown", unknown.ErrorName);
        Assert.Equal(12.5, await caller.GetAsync<double>(path));
    }

    [Fact]
    public async Task Set_from_another_node_calls_the_owners_setter_exactly_once_and_a_throwing_setter_gives_its_message()
    {
        var path = UniquePath("target");
        var calls = new List<int>();
        await using var owner = PathClient.Create(Cluster[1]);
        await using var caller = PathClient.Create(Cluster[0]);
        await owner.RegisterStateAsync<int>(path, value =>
        {
            lock (calls)
            {
                calls.Add(value);
            }

            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "the target cannot be negative");
            }
        });
        await AwaitRegisteredAsync(Cluster, 0, path);

        await caller.SetAsync(path, 7);
        var error = await Assert.ThrowsAsync<RemoteException>(() => caller.SetAsync(path, -1));

        Assert.Equal([7, -1], calls);
        Assert.Contains("the target cannot be negative", error.RemoteMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Observe_returns_the_current_value_then_each_change_without_a_callback_for_the_value_it_returned()
    {
        var path = UniquePath("voltage");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var observer = PathClient.Create(Cluster[0]);
        var state = await owner.RegisterStateAsync<double>(path);
        state.Changed(11.0);
        await AwaitRegisteredAsync(Cluster, 0, path);
        var seen = new List<StateValue<double>>();

        await using var observation = await observer.ObserveAsync<double>(path, value => { lock (seen) { seen.Add(value); } });
        state.Changed(12.0);
        state.Unknown();
        state.Changed(13.0);

        Assert.Equal(StateValue<double>.Known(11.0), observation.Initial);
        await AwaitAsync(() => Assert.Equal([12.0, StateValue<double>.Unknown, 13.0], Copy(seen)));
        Assert.Equal(13.0, observation.Current);
    }

    [Fact]
    public async Task Changed_with_Unknown_is_the_same_as_Unknown()
    {
        var path = UniquePath("voltage");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var observer = PathClient.Create(Cluster[0]);
        var state = await owner.RegisterStateAsync<object>(path);
        state.Changed(1L);
        await AwaitRegisteredAsync(Cluster, 0, path);
        var seen = new List<StateValue<object>>();
        await using var observation = await observer.ObserveAsync<object>(path, value => { lock (seen) { seen.Add(value); } });

        state.Changed(Unknown.Value);

        await AwaitAsync(() => Assert.Equal([StateValue<object>.Unknown], Copy(seen)));
        await Assert.ThrowsAsync<StateUnknownException>(() => observer.GetAsync<object>(path));
    }

    [Fact]
    public async Task Observing_before_anyone_owns_the_state_gives_Unknown_then_follows_the_owner_that_registers_it()
    {
        var path = UniquePath("voltage");
        await using var observer = PathClient.Create(Cluster[0]);
        await using var owner = PathClient.Create(Cluster[1]);
        var seen = new List<StateValue<double>>();
        await using var observation = await observer.ObserveAsync<double>(path, value => { lock (seen) { seen.Add(value); } });

        var state = await owner.RegisterStateAsync<double>(path);
        state.Changed(3.5);

        Assert.False(observation.Initial.IsKnown);
        await AwaitAsync(() => Assert.Equal([3.5], Copy(seen)));
    }

    [Fact]
    public async Task Two_concurrent_observers_both_get_the_current_value()
    {
        var path = UniquePath("voltage");
        await using var owner = PathClient.Create(Cluster[1]);
        await using var observer = PathClient.Create(Cluster[0]);
        var state = await owner.RegisterStateAsync<double>(path);
        state.Changed(9.0);
        await AwaitRegisteredAsync(Cluster, 0, path);

        var both = await Task.WhenAll(observer.ObserveAsync<double>(path), observer.ObserveAsync<double>(path));

        Assert.All(both, observation => Assert.Equal(9.0, observation.Initial));
        foreach (var observation in both)
        {
            await observation.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_listener_gets_each_event_exactly_once_in_order_even_when_it_listened_before_the_event_was_registered()
    {
        var path = UniquePath("alerts");
        await using var listenerClient = PathClient.Create(Cluster[0]);
        await using var ownerClient = PathClient.Create(Cluster[1]);
        var near = new List<int>();
        var far = new List<int>();
        await using var first = await listenerClient.ListenAsync<int>(path, e => { lock (near) { near.Add(e); } });
        await using var second = await ownerClient.ListenAsync<int>(path, e => { lock (far) { far.Add(e); } });

        var emitter = await ownerClient.RegisterEventAsync<int>(path);
        for (var i = 0; i < 50; i++)
        {
            emitter.Emit(i);
        }

        var expected = Enumerable.Range(0, 50).ToList();
        await AwaitAsync(() => Assert.Equal(expected, Copy(near)));
        await AwaitAsync(() => Assert.Equal(expected, Copy(far)));
    }

    [Fact]
    public async Task Listening_as_an_async_stream_yields_each_payload_in_order()
    {
        var path = UniquePath("alerts");
        await using var listener = PathClient.Create(Cluster[0]);
        await using var owner = PathClient.Create(Cluster[1]);
        var emitter = await owner.RegisterEventAsync<string>(path);
        await using var stream = await listener.ListenAsync<string>(path);

        emitter.Emit("low battery");
        emitter.Emit("arm stalled");

        using var stop = new CancellationTokenSource(Wait);
        var received = new List<string>();
        await foreach (var payload in stream.WithCancellation(stop.Token))
        {
            received.Add(payload);
            if (received.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(["low battery", "arm stalled"], received);
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
