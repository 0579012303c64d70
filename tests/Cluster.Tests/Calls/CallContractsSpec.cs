using System.Runtime.Serialization;
using Akka.Actor;
using Cluster.Agents.Core.Calls;
using System.Text;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Commands;
using Cluster.Contracts.Serialization;
using Xunit;

namespace Cluster.Tests.Calls;

public sealed class CallContractsSpec : Akka.TestKit.Xunit2.TestKit
{
    public CallContractsSpec()
        : base(LocalNode.Config, "call-contracts")
    {
    }

    private Akka.Serialization.Serializer Serializer => Sys.Serialization.FindSerializerForType(typeof(CallRequest));

    public static TheoryData<object> Contracts() =>
    [
        new CallRequest(7, new Echo("payload")),
        new CallRequest(0, 42),
        new CallReply(7, "value"),
        new CallReply(8, null),
        new CallFailed(7, new RemoteError("drive", "akka.tcp://robot@10.0.0.2:4053", "System.InvalidOperationException", "not homed", "   at X()")),
        new CallFailed(-3, new RemoteError("capteur", "", "Ns.ÉchecException", "", "")),
        new StreamItem(9, 3.5),
        new StreamItem(9, null),
        new StreamCompleted(9),
    ];

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Call_contracts_round_trip_through_the_call_message_serializer(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);

        var copy = serializer.FromBinary(serializer.ToBinary(message), message.GetType());

        Assert.IsType<CallMessageSerializer>(serializer);
        Assert.Equal(CallMessageSerializer.Id, serializer.Identifier);
        Assert.Equal(message, copy);
    }

    [Fact]
    public void Several_stream_items_round_trip_with_their_nulls_order_and_end()
    {
        var items = new StreamItems(9, [1, null, new Echo("three")], Completed: true);
        var serializer = Sys.Serialization.FindSerializerFor(items);

        var copy = Assert.IsType<StreamItems>(serializer.FromBinary(serializer.ToBinary(items), typeof(StreamItems)));

        Assert.IsType<CallMessageSerializer>(serializer);
        Assert.Equal(9, copy.CallId);
        Assert.Equal(items.Values, copy.Values);
        Assert.True(copy.Completed);
    }

    [Fact]
    public void Prepared_stream_items_are_written_as_the_plain_items()
    {
        var items = new StreamItems(3, ["a", null], Completed: false);
        var calls = (CallMessageSerializer)Serializer;
        var prepared = new PreparedStreamItems(3, [calls.SerializePayload("a"), null], Completed: false);

        var bytes = Sys.Serialization.FindSerializerFor(prepared).ToBinary(prepared);

        Assert.Equal(Serializer.ToBinary(items), bytes);
    }

    [Fact]
    public void A_prepared_message_is_written_as_the_plain_message_around_its_serialized_payload()
    {
        var request = new CallRequest(5, new Echo("already serialized"));
        var calls = (CallMessageSerializer)Serializer;
        var prepared = new PreparedCallMessage(request, calls.SerializePayload(request.Payload));

        var bytes = Sys.Serialization.FindSerializerFor(prepared).ToBinary(prepared);

        Assert.Equal(Serializer.ToBinary(request), bytes);
        Assert.Equal(request, Serializer.FromBinary(bytes, typeof(CallRequest)));
    }

    [Fact]
    public void An_actor_reference_in_a_payload_arrives_as_a_reference_to_the_same_actor()
    {
        var request = new CallRequest(1, new Forward(TestActor));

        var copy = (CallRequest)Serializer.FromBinary(Serializer.ToBinary(request), typeof(CallRequest));

        Assert.Equal(TestActor, Assert.IsType<Forward>(copy.Payload).To);
    }

    [Fact]
    public void A_truncated_header_or_foreign_bytes_are_refused_and_a_truncated_payload_is_unreadable()
    {
        var bytes = Serializer.ToBinary(new CallRequest(3, new Echo("cut short")));

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes[..5], typeof(CallRequest)));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([], typeof(CallRequest)));
        Assert.IsType<UnreadablePayload>(((CallRequest)Serializer.FromBinary(bytes[..^2], typeof(CallRequest))).Payload);
        var foreign = (byte[])bytes.Clone();
        foreign[0] = 99;
        Assert.Contains("format 99", Assert.Throws<SerializationException>(() => Serializer.FromBinary(foreign, typeof(CallRequest))).Message);
        var unknownKind = (byte[])bytes.Clone();
        unknownKind[1] = 77;
        Assert.Contains("kind 77", Assert.Throws<SerializationException>(() => Serializer.FromBinary(unknownKind, typeof(CallRequest))).Message);
    }

    [Fact]
    public void A_payload_this_node_cannot_read_arrives_as_an_UnreadablePayload_naming_the_call()
    {
        var bytes = Serializer.ToBinary(new CallRequest(12, new Echo("garbled")));
        var garbled = bytes[..11].Concat(new byte[] { 0xFF, 0x00, 0x13 }).ToArray();

        var copy = (CallRequest)Serializer.FromBinary(garbled, typeof(CallRequest));

        Assert.Equal(12, copy.CallId);
        Assert.Contains("payload of call 12 cannot be read", Assert.IsType<UnreadablePayload>(copy.Payload).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_replies_cross_in_their_compact_form_with_every_field_and_the_offset_of_their_time()
    {
        var running = new CommandReply(7, "node.ab12", '>', "camera", true, "{}", CommandStatus.Running, false, new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2)));
        var broadcast = new CommandReply(0, null, 'i', "caméra/1", false, """{"text":"Überbelichtet ✓"}""", CommandStatus.None, true, new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.FromMinutes(-330)));
        var items = new StreamItems(9, [running, broadcast], Completed: true);

        var bytes = Serializer.ToBinary(items);
        var copy = Assert.IsType<StreamItems>(Serializer.FromBinary(bytes, typeof(StreamItems)));

        Assert.Equal(items.Values, copy.Values);
        Assert.Equal(TimeSpan.FromHours(2), Assert.IsType<CommandReply>(copy.Values[0]).Time.Offset);
        Assert.Equal(TimeSpan.FromMinutes(-330), Assert.IsType<CommandReply>(copy.Values[1]).Time.Offset);
        Assert.DoesNotContain(nameof(CommandReply), Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_request_and_a_cancel_cross_in_their_compact_form_and_other_endpoint_calls_in_hyperions()
    {
        var request = new EndpointCall("command", [new CommandRequest("expose --time 2 \"été\"", "node.ab12", 7, TimeSpan.FromSeconds(3.5))]);
        var untimed = new EndpointCall("command", [new CommandRequest("ping", "node.ab12", 8, null)]);
        var cancel = new EndpointCall("cancel", [new CancelCommand("node.ab12", 7), null]);
        var other = new EndpointCall("speed", [1.5, new CommandRequest("ping", "node.ab12", 9, null)]);

        foreach (var call in new[] { request, untimed, cancel, other })
        {
            var bytes = Serializer.ToBinary(new CallRequest(5, call));
            var copy = Assert.IsType<EndpointCall>(Assert.IsType<CallRequest>(Serializer.FromBinary(bytes, typeof(CallRequest))).Payload);

            Assert.Equal(call.Endpoint, copy.Endpoint);
            Assert.Equal(call.Args, copy.Args);
            Assert.Equal(call == other, Encoding.UTF8.GetString(bytes).Contains(nameof(EndpointCall), StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_truncated_command_reply_or_an_unknown_compact_form_arrives_as_an_UnreadablePayload()
    {
        var reply = new CommandReply(7, "node.ab12", ':', "camera", false, """{"text":"Pong."}""", CommandStatus.Done, false, DateTimeOffset.UnixEpoch);
        var bytes = Serializer.ToBinary(new CallReply(4, reply));
        var unknownForm = (byte[])bytes.Clone();
        unknownForm[11] = 250;

        var truncated = (CallReply)Serializer.FromBinary(bytes[..^5], typeof(CallReply));
        var unknown = (CallReply)Serializer.FromBinary(unknownForm, typeof(CallReply));

        Assert.Contains("answer of call 4 cannot be read", Assert.IsType<UnreadablePayload>(truncated.Value).Reason, StringComparison.Ordinal);
        Assert.Contains("form 250", Assert.IsType<UnreadablePayload>(unknown.Value).Reason, StringComparison.Ordinal);
        Assert.Throws<SerializationException>(() => CompactPayloads.Read([]));
    }

    [Fact]
    public void Only_the_call_protocol_is_written() =>
        Assert.Contains("System.String", Assert.Throws<ArgumentException>(() => Serializer.ToBinary("not a call message")).Message);

    private sealed record Forward(IActorRef To);
}
