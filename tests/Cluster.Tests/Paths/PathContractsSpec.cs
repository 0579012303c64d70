using Cluster.Contracts.Paths;
using Cluster.Contracts.Serialization;
using Xunit;

namespace Cluster.Tests.Paths;

public sealed class PathContractsSpec : Akka.TestKit.Xunit2.TestKit
{
    public PathContractsSpec()
        : base(LocalNode.Config, "path-contracts")
    {
    }

    [Fact]
    public void Path_contracts_round_trip_through_the_hyperion_serializer()
    {
        object[] messages =
        [
            new StateChanged("/rover/battery/voltage", TestActor, 3, true, 12.5),
            new StateChanged("/rover/battery/voltage", TestActor, 4, false, null),
            new StateSnapshot(TestActor, 4, true, "text", TimeSpan.FromSeconds(2)),
            new EventEmitted("/rover/alerts", "low battery"),
        ];

        foreach (var message in messages)
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            Assert.IsType<HyperionSerializer>(serializer);
            Assert.Equal(message, serializer.FromBinary(serializer.ToBinary(message), message.GetType()));
        }
    }
}
