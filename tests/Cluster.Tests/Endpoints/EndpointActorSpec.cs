using System.Runtime.CompilerServices;
using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Endpoints;
using Cluster.Contracts.Calls;
using Xunit;

namespace Cluster.Tests.Endpoints;

public sealed class EndpointActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public EndpointActorSpec()
        : base(LocalNode.Config, "endpoint-actor-spec")
    {
    }

    private CallClient Calls => CallClient.Get(Sys);

    [Fact]
    public async Task A_sync_endpoint_answers_with_its_value_and_an_optional_parameter_takes_its_default()
    {
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge()));

        Assert.Equal(5, await Calls.RequestAsync<int>(gauge, new EndpointCall("add", [2, 3]), Deadline));
        Assert.Equal(12, await Calls.RequestAsync<int>(gauge, new EndpointCall("ADD", [2]), Deadline));
    }

    [Fact]
    public async Task Arguments_are_converted_to_the_parameter_types_from_values_and_from_json()
    {
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge()));

        Assert.Equal(5, await Calls.RequestAsync<int>(gauge, new EndpointCall("add", [2L, "3"]), Deadline));
        Assert.Equal(3.5, await Calls.RequestAsync<double>(gauge, new EndpointCall("pose-x", [new JsonArgument("""{"X": 3.5, "Y": 0}""")]), Deadline));
        Assert.Equal("Int64", await Calls.RequestAsync<string>(gauge, new EndpointCall("type-of", [new JsonArgument("7")]), Deadline));
        Assert.Equal("Double", await Calls.RequestAsync<string>(gauge, new EndpointCall("type-of", [new JsonArgument("7.5")]), Deadline));
    }

    [Fact]
    public async Task An_async_endpoint_answers_when_its_task_completes_and_calls_still_run_one_at_a_time()
    {
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge()));

        var first = Calls.RequestAsync<string>(gauge, new EndpointCall("later", ["a"]), Deadline);
        var second = Calls.RequestAsync<string>(gauge, new EndpointCall("later", ["b"]), Deadline);

        Assert.Equal(["a:1", "b:2"], await Task.WhenAll(first, second));
    }

    [Fact]
    public async Task A_stream_endpoint_sends_each_item_then_ends_the_stream()
    {
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge()));

        var items = new List<int>();
        await foreach (var item in Calls.StreamAsync<int>(gauge, new EndpointCall("count", [3]), Deadline))
        {
            items.Add(item);
        }

        Assert.Equal([1, 2, 3], items);
    }

    [Fact]
    public async Task A_plain_request_to_a_stream_endpoint_fails_at_once_saying_to_read_it_as_a_stream()
    {
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Calls.RequestAsync<int>(gauge, new EndpointCall("count", [3]), Deadline));

        Assert.Contains("with a stream: read it with CallClient.StreamAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_endpoint_wrong_arguments_and_a_throwing_handler_fail_the_call_and_the_actor_keeps_serving()
    {
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge()), "gauge");

        var unknown = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<int>(gauge, new EndpointCall("sub", [1]), Deadline));
        var wrong = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<int>(gauge, new EndpointCall("add", ["x"]), Deadline));
        var thrown = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<int>(gauge, new EndpointCall("boom", []), Deadline));
        var notACall = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<int>(gauge, "add", Deadline));

        Assert.Equal(typeof(UnknownEndpointException).FullName, unknown.RemoteType);
        Assert.Equal("'gauge' has no endpoint 'sub'; its endpoints: add, boom, count, held, later, pose-x, type-of.", unknown.RemoteMessage);
        Assert.Equal(typeof(ArgumentException).FullName, wrong.RemoteType);
        Assert.Equal("Argument 1 ('a') of the endpoint 'add' of 'gauge' must be a Int32; it was a String (x).", wrong.RemoteMessage);
        Assert.Equal(("gauge", "System.InvalidOperationException", "the gauge is stuck"), (thrown.OriginName, thrown.RemoteType, thrown.RemoteMessage));
        Assert.Equal("'gauge' answers EndpointCall requests, not System.String.", notACall.RemoteMessage);
        Assert.Equal(2, await Calls.RequestAsync<int>(gauge, new EndpointCall("add", [1, 1]), Deadline));
    }

    [Fact]
    public async Task Calls_that_arrive_while_the_actor_starts_wait_and_are_answered_in_order_once_it_runs()
    {
        var startStep = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge(startStep.Task)));
        var first = Calls.RequestAsync<string>(gauge, new EndpointCall("later", ["a"]), Deadline);
        var second = Calls.RequestAsync<string>(gauge, new EndpointCall("later", ["b"]), Deadline);
        var started = NamedActors.AwaitStartedAsync(Sys, gauge);

        Assert.False(started.IsCompleted || first.IsCompleted || second.IsCompleted);
        startStep.SetResult();

        await started;
        Assert.Equal(["a:1", "b:2"], await Task.WhenAll(first, second));
    }

    [Fact]
    public async Task A_start_that_fails_is_the_start_waiters_error_and_fails_the_calls_that_waited()
    {
        var startStep = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge(startStep.Task)), "broken-gauge");
        var call = Calls.RequestAsync<string>(gauge, new EndpointCall("later", ["a"]), Deadline);
        var started = NamedActors.AwaitStartedAsync(Sys, gauge);

        startStep.SetException(new InvalidOperationException("no hardware on /dev/ttyUSB0"));

        var startError = await Assert.ThrowsAsync<InvalidOperationException>(() => started);
        var callError = await Assert.ThrowsAsync<RemoteException>(() => call);
        Assert.Equal("no hardware on /dev/ttyUSB0", startError.Message);
        Assert.Equal("'broken-gauge' could not start: no hardware on /dev/ttyUSB0", callError.RemoteMessage);
        Watch(gauge);
        await ExpectTerminatedAsync(gauge, Deadline);
    }

    [Fact]
    public async Task A_stream_that_runs_concurrently_lets_the_actor_answer_other_calls_before_it_ends()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gauge = Sys.ActorOf(Props.Create(() => new Gauge(null, release.Task)));
        var stream = Calls.StreamAsync<int>(gauge, new EndpointCall("held", []), Deadline).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(1, stream.Current);

        Assert.Equal(5, await Calls.RequestAsync<int>(gauge, new EndpointCall("add", [2, 3]), Deadline));

        release.SetResult();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(2, stream.Current);
        Assert.False(await stream.MoveNextAsync());
        await stream.DisposeAsync();
    }

    private sealed class Gauge : EndpointActor
    {
        private readonly Task? _startStep;
        private int _calls;

        public Gauge(Task? startStep = null, Task? release = null)
            : base("gauge", register: false)
        {
            _startStep = startStep;
            Endpoints.Add(new Endpoint("held", [], (_, _) => HeldAsync(release ?? Task.CompletedTask)) { StreamsConcurrently = true });
            Endpoints.Add(new Endpoint("add", [new("a", typeof(int)), new("b", typeof(int), IsOptional: true, DefaultValue: 10)], (_, args) => (int)args[0]! + (int)args[1]!));
            Endpoints.Add(new Endpoint("later", [new("text", typeof(string))], (_, args) => LaterAsync((string)args[0]!)));
            Endpoints.Add(new Endpoint("count", [new("to", typeof(int))], (_, args) => CountAsync((int)args[0]!)));
            Endpoints.Add(new Endpoint("pose-x", [new("pose", typeof(ValueConversionSpec.Pose))], (_, args) => ((ValueConversionSpec.Pose)args[0]!).X));
            Endpoints.Add(new Endpoint("type-of", [new("value", typeof(object))], (_, args) => args[0]?.GetType().Name));
            Endpoints.Add(new Endpoint("boom", [], (_, _) => throw new InvalidOperationException("the gauge is stuck")));
        }

        protected override Task? OnStartingAsync() => _startStep;

        private static async IAsyncEnumerable<int> CountAsync(int to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 1; i <= to; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }

        private static async IAsyncEnumerable<int> HeldAsync(Task release)
        {
            yield return 1;
            await release;
            yield return 2;
        }

        // Reads and writes the actor's state after an await: only safe because the actor waits for the task.
        private async Task<string> LaterAsync(string text)
        {
            await Task.Yield();
            return $"{text}:{++_calls}";
        }
    }
}
