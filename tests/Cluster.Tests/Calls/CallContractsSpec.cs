using Akka.Configuration;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Serialization;
using Xunit;

namespace Cluster.Tests.Calls;

public sealed class CallContractsSpec : Akka.TestKit.Xunit2.TestKit
{
    public CallContractsSpec()
        : base(LocalNode.Config, "call-contracts")
    {
    }

    public static TheoryData<object> Contracts() =>
    [
        new CallRequest(7, new Echo("payload")),
        new CallRequest(0, 42),
        new CallReply(7, "value"),
        new CallReply(8, null),
        new CallFailed(7, new RemoteError("drive", "akka.tcp://robot@10.0.0.2:4053", "System.InvalidOperationException", "not homed", "   at X()")),
        new StreamItem(9, 3.5),
        new StreamCompleted(9),
    ];

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Call_contracts_round_trip_through_the_hyperion_serializer(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);

        var copy = serializer.FromBinary(serializer.ToBinary(message), message.GetType());

        Assert.IsType<HyperionSerializer>(serializer);
        Assert.Equal(message, copy);
    }
}
