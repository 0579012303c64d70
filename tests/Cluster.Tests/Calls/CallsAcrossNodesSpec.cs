using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Contracts.Calls;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Calls;

public sealed class CallsAcrossNodesSpec(TwoNodeClusterFixture fixture) : IClassFixture<TwoNodeClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Replication = TimeSpan.FromSeconds(30);
    private readonly TestCluster _cluster = fixture.Cluster;

    private CallClient Calls => CallClient.Get(_cluster[0]);

    [Fact]
    public async Task A_call_by_name_across_nodes_returns_the_value_and_a_remote_exception_and_the_responder_keeps_serving()
    {
        await RegisterResponderAsync("across/drive");

        var text = await Calls.RequestAsync<string>("across/drive", new Echo("over the wire"), Deadline);
        var error = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<string>("across/drive", new Explode("the arm is not homed"), Deadline));
        var after = await Calls.RequestAsync<string>("across/drive", new Echo("still serving"), Deadline);

        Assert.Equal("over the wire", text);
        Assert.Equal("across/drive", error.OriginName);
        Assert.Equal(Akka.Cluster.Cluster.Get(_cluster[1]).SelfAddress.ToString(), error.OriginNode);
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Contains("TestResponder.Throw", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.EndsWith("InvalidOperationException: the arm is not homed", error.Message, StringComparison.Ordinal);
        Assert.Equal("still serving", after);
    }

    [Fact]
    public async Task A_stream_across_nodes_arrives_in_order_and_completes()
    {
        await RegisterResponderAsync("across/counter");

        var values = new List<int>();
        await foreach (var value in Calls.StreamAsync<int>("across/counter", new CountTo(100), Deadline))
        {
            values.Add(value);
        }

        Assert.Equal(Enumerable.Range(1, 100), values);
    }

    [Fact]
    public async Task An_observed_stream_across_nodes_hands_its_values_in_order_then_one_completion()
    {
        var target = await RegisterResponderAsync("across/observed");
        var observer = new RecordingObserver<int>();

        using var stream = Calls.Stream(target, new CountAtOnce(1000), Deadline, observer);
        var error = await observer.Ended.WaitAsync(Deadline);

        Assert.Null(error);
        Assert.Equal(Enumerable.Range(1, 1000), observer.Values);
        Assert.Equal(1, observer.Endings);
        Assert.Equal(0, observer.ValuesAfterEnd);
    }

    [Fact]
    public async Task A_long_stream_whose_values_are_at_hand_arrives_across_nodes_whole_and_in_order()
    {
        await RegisterResponderAsync("across/many");

        var values = new List<int>();
        await foreach (var value in Calls.StreamAsync<int>("across/many", new CountAtOnce(1000), Deadline))
        {
            values.Add(value);
        }

        Assert.Equal(Enumerable.Range(1, 1000), values);
    }

    [Fact]
    public async Task A_one_way_send_across_nodes_runs_the_handler()
    {
        await RegisterResponderAsync("across/arm");
        var notified = _cluster.CreateProbe(0);

        Calls.Send("across/arm", new Record("stop", notified.Ref));

        await notified.ExpectMsgAsync("stop", Deadline);
    }

    [Fact]
    public async Task An_unserializable_payload_to_a_remote_target_fails_at_once_naming_its_type()
    {
        var target = await RegisterResponderAsync("across/unserializable");

        var byRef = await Assert.ThrowsAsync<ArgumentException>(() => Calls.RequestAsync<string>(target, new FileInfo("/tmp/robot.log"), Deadline));
        var byName = Assert.Throws<ArgumentException>(() => Calls.Send("across/unserializable", new FileInfo("/tmp/robot.log")));

        Assert.Contains("System.IO.FileInfo", byRef.Message, StringComparison.Ordinal);
        Assert.Contains("System.IO.FileInfo", byName.Message, StringComparison.Ordinal);
        Assert.Equal("payload", byRef.ParamName);
    }

    [Fact]
    public async Task An_answer_that_cannot_cross_the_wire_comes_back_as_a_RemoteException_naming_its_type()
    {
        await RegisterResponderAsync("across/files");

        var error = await Assert.ThrowsAsync<RemoteException>(() => Calls.RequestAsync<object>("across/files", new AnswerWithFile("/tmp/robot.log"), Deadline));

        Assert.Equal("System.ArgumentException", error.RemoteType);
        Assert.Contains("System.IO.FileInfo", error.RemoteMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_whose_payload_the_answering_node_cannot_read_is_answered_with_a_serialization_error_not_dropped()
    {
        var responder = await RegisterResponderAsync("across/garbled");
        var caller = _cluster.CreateProbe(0);

        // What a caller's node would send for a payload type the answering node does not have.
        responder.Tell(new PreparedCallMessage(new CallRequest(41, "placeholder"), [0xFF, 0x00, 0x13, 0x37]), caller.Ref);

        var failed = await caller.ExpectMsgAsync<CallFailed>(Deadline);
        Assert.Equal(41, failed.CallId);
        Assert.Equal("System.Runtime.Serialization.SerializationException", failed.Error.ExceptionType);
        Assert.Contains("payload of call 41 cannot be read on " + Akka.Cluster.Cluster.Get(_cluster[1]).SelfAddress, failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal("still serving", await Calls.RequestAsync<string>("across/garbled", new Echo("still serving"), Deadline));
    }

    private async Task<IActorRef> RegisterResponderAsync(string name)
    {
        var responder = _cluster[1].ActorOf(TestResponder.Props(name));
        await NameRegistry.Get(_cluster[1]).RegisterAsync(name, "device", responder);
        var probe = _cluster.CreateProbe(0);
        await probe.AwaitAssertAsync(() => Assert.True(NameRegistry.Get(_cluster[0]).TryLookup(name, out _)), Replication);
        return NameRegistry.Get(_cluster[0]).Lookup(name).Owner;
    }
}
