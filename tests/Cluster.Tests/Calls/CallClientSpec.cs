using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Xunit;

namespace Cluster.Tests.Calls;

public sealed class CallClientSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public CallClientSpec()
        : base(LocalNode.Config, "calls-spec")
    {
    }

    private CallClient Calls => CallClient.Get(Sys);

    [Fact]
    public async Task A_request_returns_the_value_the_responder_computes()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        var text = await Calls.RequestAsync<string>(drive, new Echo("forward"), Deadline);
        var doubled = await Calls.RequestAsync<int>(drive, 21, Deadline);

        Assert.Equal("forward", text);
        Assert.Equal(42, doubled);
    }

    [Fact]
    public async Task An_async_handler_answers_with_its_value_or_its_exception()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        var text = await Calls.RequestAsync<string>(drive, new EchoLater("later"), Deadline);
        var error = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<string>(drive, new ExplodeLater("late failure"), Deadline));

        Assert.Equal("later", text);
        Assert.Equal("late failure", error.RemoteMessage);
    }

    [Fact]
    public async Task A_handler_that_throws_gives_a_RemoteException_with_origin_type_stack_trace_and_the_message_last()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        var error = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<string>(drive, new Explode("the arm is not homed"), Deadline));

        Assert.Equal("drive", error.OriginName);
        Assert.Equal(CallClient.Get(Sys).Node.ToString(), error.OriginNode);
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("the arm is not homed", error.RemoteMessage);
        Assert.Contains("TestResponder.Throw", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.StartsWith($"drive@{error.OriginNode} raised System.InvalidOperationException:", error.Message, StringComparison.Ordinal);
        Assert.Contains("TestResponder.Throw", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("\nInvalidOperationException: the arm is not homed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_responder_keeps_serving_after_a_handler_throws()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<string>(drive, new Explode("first"), Deadline));
        var unknown = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<string>(drive, "an unknown payload", Deadline));
        var text = await Calls.RequestAsync<string>(drive, new Echo("still here"), Deadline);

        Assert.Equal("System.NotSupportedException", unknown.RemoteType);
        Assert.Equal("still here", text);
    }

    [Fact]
    public async Task A_request_without_an_answer_fails_at_its_deadline_with_a_TimeoutException_naming_target_and_deadline()
    {
        var silent = Sys.ActorOf(TestResponder.Props(), "silent");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Calls.RequestAsync<string>(silent, new Hold(TestActor), TimeSpan.FromMilliseconds(300)));

        Assert.Contains("'silent'", error.Message, StringComparison.Ordinal);
        Assert.Contains("300 ms", error.Message, StringComparison.Ordinal);
        Assert.Contains("wall time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_of_the_wrong_type_fails_with_an_InvalidCastException_naming_both_types()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        var error = await Assert.ThrowsAsync<InvalidCastException>(() => Calls.RequestAsync<int>(drive, new Echo("not a number"), Deadline));

        Assert.Contains("System.String", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int32", error.Message, StringComparison.Ordinal);
        Assert.Contains("'drive'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_bypasses_the_call_protocol_is_logged_as_dropped_and_the_call_ends_at_its_deadline()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(Akka.Event.Warning));
        var raw = Sys.ActorOf(Props.Create(() => new RawAnswerer()), "raw");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Calls.RequestAsync<string>(raw, new Echo("hello"), TimeSpan.FromMilliseconds(300)));

        var warning = await FishForMessageAsync<Akka.Event.Warning>(w => w.Message.ToString()!.Contains("Dropped an answer", StringComparison.Ordinal), Patience);
        Assert.Contains("System.String", warning.Message.ToString(), StringComparison.Ordinal);
        Assert.Contains("/user/raw", warning.Message.ToString(), StringComparison.Ordinal);
        Assert.Contains("'raw'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_whose_payload_could_not_be_read_is_refused_with_a_SerializationException_without_running_the_handler()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        drive.Tell(new Contracts.Calls.CallRequest(9, new UnreadablePayload("The payload of call 9 cannot be read on here: TypeLoadException: no Rover.Pose")), TestActor);

        var failed = await ExpectMsgAsync<Contracts.Calls.CallFailed>(Patience);
        Assert.Equal("System.Runtime.Serialization.SerializationException", failed.Error.ExceptionType);
        Assert.Contains("no Rover.Pose", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_could_not_be_read_fails_the_call_with_a_SerializationException_naming_the_target()
    {
        var unreadable = Sys.ActorOf(Props.Create(() => new UnreadableAnswerer()), "unreadable");

        var error = await Assert.ThrowsAsync<System.Runtime.Serialization.SerializationException>(() => Calls.RequestAsync<object>(unreadable, new Echo("pose?"), Deadline));

        Assert.Contains("'unreadable' on", error.Message, StringComparison.Ordinal);
        Assert.Contains("no Rover.Pose", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_concurrent_calls_to_one_target_each_get_their_own_answer()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        var answers = await Task.WhenAll(Enumerable.Range(1, 200).Select(i => Calls.RequestAsync<int>(drive, i, Deadline)));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => 2 * i), answers);
    }

    [Fact]
    public async Task A_target_stopped_mid_call_fails_the_call_with_TargetTerminatedException_before_its_deadline()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");
        var call = Calls.RequestAsync<string>(arm, new Hold(TestActor), TimeSpan.FromMinutes(5));
        await ExpectMsgAsync("holding", Patience);

        Sys.Stop(arm);

        var error = await Assert.ThrowsAsync<TargetTerminatedException>(() => call.WaitAsync(Patience));
        Assert.Equal("arm", error.TargetName);
        Assert.Contains("'arm' on", error.Message, StringComparison.Ordinal);
        Assert.Contains("stopped (or its node left", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_to_a_target_that_already_stopped_fails_with_TargetTerminatedException()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");
        Watch(arm);
        Sys.Stop(arm);
        await ExpectTerminatedAsync(arm, Patience);

        var call = Calls.RequestAsync<string>(arm, new Echo("anyone?"), TimeSpan.FromMinutes(5));

        await Assert.ThrowsAsync<TargetTerminatedException>(() => call.WaitAsync(Patience));
    }

    [Fact]
    public async Task Cancelling_a_request_stops_waiting_for_it()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");
        using var cancel = new CancellationTokenSource();
        var call = Calls.RequestAsync<string>(arm, new Hold(TestActor), TimeSpan.FromMinutes(5), cancel.Token);
        await ExpectMsgAsync("holding", Patience);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_stream_whose_values_are_all_at_hand_is_answered_in_one_message_that_also_ends_it()
    {
        var counter = Sys.ActorOf(TestResponder.Props(), "at-once");

        counter.Tell(new Contracts.Calls.CallRequest(4, new CountAtOnce(3)), TestActor);

        var items = await ExpectMsgAsync<Contracts.Calls.StreamItems>(Patience);
        Assert.Equal(4, items.CallId);
        Assert.Equal(new object?[] { 1, 2, 3 }, items.Values);
        Assert.True(items.Completed);
    }

    [Fact]
    public async Task A_long_stream_whose_values_are_at_hand_arrives_whole_and_in_order()
    {
        var counter = Sys.ActorOf(TestResponder.Props(), "many-at-once");

        var values = new List<int>();
        await foreach (var value in Calls.StreamAsync<int>(counter, new CountAtOnce(1000), Deadline))
        {
            values.Add(value);
        }

        Assert.Equal(Enumerable.Range(1, 1000), values);
    }

    [Fact]
    public async Task A_stream_delivers_its_values_in_order_then_completes()
    {
        var counter = Sys.ActorOf(TestResponder.Props(), "counter");

        var values = new List<int>();
        await foreach (var value in Calls.StreamAsync<int>(counter, new CountTo(50), Deadline))
        {
            values.Add(value);
        }

        Assert.Equal(Enumerable.Range(1, 50), values);
    }

    [Fact]
    public async Task A_stream_that_fails_midway_delivers_the_values_before_the_failure_then_a_RemoteException()
    {
        var counter = Sys.ActorOf(TestResponder.Props(), "counter");

        var values = new List<int>();
        var error = await Assert.ThrowsAsync<RemoteException>(async () =>
        {
            await foreach (var value in Calls.StreamAsync<int>(counter, new CountThenExplode(3, "sensor unplugged"), Deadline))
            {
                values.Add(value);
            }
        });

        Assert.Equal(new[] { 1, 2, 3 }, values);
        Assert.Equal("sensor unplugged", error.RemoteMessage);
        Assert.Equal("counter", error.OriginName);
    }

    [Fact]
    public async Task A_stream_whose_target_stops_midway_fails_with_TargetTerminatedException()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");
        var stream = Calls.StreamAsync<int>(arm, new Hold(TestActor), Timeout.InfiniteTimeSpan);
        await using var reader = stream.GetAsyncEnumerator();
        var next = reader.MoveNextAsync().AsTask();
        await ExpectMsgAsync("holding", Patience);

        Sys.Stop(arm);

        await Assert.ThrowsAsync<TargetTerminatedException>(() => next.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_plain_answer_to_a_stream_call_is_a_stream_of_one()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        var values = new List<string>();
        await foreach (var value in Calls.StreamAsync<string>(drive, new Echo("once"), Deadline))
        {
            values.Add(value);
        }

        Assert.Equal(new[] { "once" }, values);
    }

    [Fact]
    public async Task A_stream_that_does_not_end_by_its_deadline_fails_with_a_TimeoutException()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");

        var error = await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await foreach (var unused in Calls.StreamAsync<int>(arm, new Hold(TestActor), TimeSpan.FromMilliseconds(300)))
            {
            }
        });

        Assert.Contains("'arm'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_observed_stream_hands_its_values_in_order_then_one_completion_and_is_no_longer_pending()
    {
        var counter = Sys.ActorOf(TestResponder.Props(), "counter");
        var observer = new RecordingObserver<int>();

        using var stream = Calls.Stream(counter, new CountTo(50), Deadline, observer);
        var error = await observer.Ended.WaitAsync(Patience);

        Assert.Null(error);
        Assert.Equal(Enumerable.Range(1, 50), observer.Values);
        Assert.Equal(1, observer.Endings);
        Assert.Equal(0, Calls.PendingCount);
    }

    [Fact]
    public async Task An_observed_stream_that_fails_midway_hands_the_values_before_the_failure_then_the_RemoteException()
    {
        var counter = Sys.ActorOf(TestResponder.Props(), "counter");
        var observer = new RecordingObserver<int>();

        using var stream = Calls.Stream(counter, new CountThenExplode(3, "sensor unplugged"), Deadline, observer);
        var error = await observer.Ended.WaitAsync(Patience);

        Assert.Equal(new[] { 1, 2, 3 }, observer.Values);
        Assert.Equal("sensor unplugged", Assert.IsType<RemoteException>(error).RemoteMessage);
        Assert.Equal(1, observer.Endings);
    }

    [Fact]
    public async Task An_observed_stream_whose_target_stops_ends_with_TargetTerminatedException()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");
        var observer = new RecordingObserver<int>();
        using var stream = Calls.Stream(arm, new Hold(TestActor), Timeout.InfiniteTimeSpan, observer);
        await ExpectMsgAsync("holding", Patience);

        Sys.Stop(arm);

        Assert.IsType<TargetTerminatedException>(await observer.Ended.WaitAsync(Patience));
        Assert.Equal(0, Calls.PendingCount);
    }

    [Fact]
    public async Task An_observed_stream_that_does_not_end_by_its_deadline_ends_with_a_TimeoutException_naming_the_target()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");
        var observer = new RecordingObserver<int>();

        using var stream = Calls.Stream(arm, new Hold(TestActor), TimeSpan.FromMilliseconds(300), observer);

        var error = Assert.IsType<TimeoutException>(await observer.Ended.WaitAsync(Patience));
        Assert.Contains("'arm'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_observed_stream_of_values_of_the_wrong_type_ends_with_an_InvalidCastException()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");
        var observer = new RecordingObserver<int>();

        using var stream = Calls.Stream(drive, new Echo("not a number"), Deadline, observer);

        Assert.IsType<InvalidCastException>(await observer.Ended.WaitAsync(Patience));
        Assert.Empty(observer.Values);
        Assert.Equal(0, Calls.PendingCount);
    }

    [Fact]
    public async Task A_disposed_observed_stream_is_no_longer_pending_and_its_observer_hears_no_ending()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");
        var observer = new RecordingObserver<int>();
        var stream = Calls.Stream(arm, new Hold(TestActor), Timeout.InfiniteTimeSpan, observer);
        await ExpectMsgAsync("holding", Patience);
        Assert.Equal(1, Calls.PendingCount);

        stream.Dispose();

        Assert.Equal(0, Calls.PendingCount);
        Assert.Equal(0, observer.Endings);
    }

    [Fact]
    public async Task A_one_way_send_runs_the_handler_and_the_responder_keeps_serving_when_it_throws()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        Calls.Send(drive, new Explode("nobody is listening"));
        Calls.Send(drive, new Record("stop", TestActor));

        await ExpectMsgAsync("stop", Patience);
    }

    [Fact]
    public async Task Calls_by_name_reach_the_registered_actor()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive-actor");
        await using var registration = await NameRegistry.Get(Sys).RegisterAsync("drive", "device", drive);

        var text = await Calls.RequestAsync<string>("drive", new Echo("by name"), Deadline);
        var values = new List<int>();
        await foreach (var value in Calls.StreamAsync<int>("drive", new CountTo(3), Deadline))
        {
            values.Add(value);
        }

        Calls.Send("drive", new Record("sent by name", TestActor));

        Assert.Equal("by name", text);
        Assert.Equal(new[] { 1, 2, 3 }, values);
        await ExpectMsgAsync("sent by name", Patience);
    }

    [Fact]
    public async Task Errors_of_a_call_by_name_name_the_registered_name()
    {
        var arm = Sys.ActorOf(TestResponder.Props(), "arm-actor");
        await using var registration = await NameRegistry.Get(Sys).RegisterAsync("rover/arm", "device", arm);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Calls.RequestAsync<string>("rover/arm", new Hold(TestActor), TimeSpan.FromMilliseconds(200)));

        Assert.Contains("'rover/arm'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_by_an_unknown_name_fail_at_once_with_UnknownNameException()
    {
        var request = Calls.RequestAsync<string>("nobody", new Echo("hello?"), Deadline);

        Assert.True(request.IsFaulted);
        var error = await Assert.ThrowsAsync<UnknownNameException>(() => request);
        Assert.Equal("nobody", error.Name);
        Assert.Throws<UnknownNameException>(() => Calls.Send("nobody", new Echo("hello?")));
        Assert.Throws<UnknownNameException>(() => Calls.StreamAsync<int>("nobody", new CountTo(1), Deadline));
    }

    [Fact]
    public async Task A_deadline_must_be_positive()
    {
        var drive = Sys.ActorOf(TestResponder.Props(), "drive");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Calls.RequestAsync<string>(drive, new Echo("x"), TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Calls.RequestAsync<string>(drive, new Echo("x"), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task The_origin_name_given_to_the_responder_is_the_one_errors_report()
    {
        var drive = Sys.ActorOf(TestResponder.Props("/rover/drive"), "drive-actor");

        var error = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<string>(drive, new Explode("no"), Deadline));

        Assert.Equal("/rover/drive", error.OriginName);
    }

    private sealed class RawAnswerer : ReceiveActor
    {
        public RawAnswerer() => Receive<Contracts.Calls.CallRequest>(_ => Sender.Tell("not a CallReply"));
    }

    private sealed class UnreadableAnswerer : ReceiveActor
    {
        public UnreadableAnswerer() => Receive<Contracts.Calls.CallRequest>(request =>
            Sender.Tell(new Contracts.Calls.CallReply(request.CallId, new UnreadablePayload("The answer of call 1 cannot be read on here: TypeLoadException: no Rover.Pose"))));
    }
}
