using System.Collections.Immutable;
using Cluster.Contracts.Registry;
using Cluster.Contracts.Serialization;
using Xunit;

namespace Cluster.Tests.Registry;

public sealed class RegistryContractsSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public RegistryContractsSpec()
        : base(LocalNode.Config, "registry-contracts")
    {
    }

    [Fact]
    public void Registry_contracts_round_trip_through_the_hyperion_serializer()
    {
        var record = new RegistryRecord("/rover/arm/position", "path", TestActor, Noon);
        object[] messages =
        [
            record,
            new RegistryNameAdded("akka.tcp://robot@10.0.0.2:4053", 3, record),
            new RegistryNameRemoved("akka.tcp://robot@10.0.0.2:4053", 4, "drive"),
            new RegistrySnapshotRequest("akka.tcp://robot@10.0.0.2:4053"),
            new RegistryDigest("akka.tcp://robot@10.0.0.2:4053", 4),
        ];

        foreach (var message in messages)
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            Assert.IsType<HyperionSerializer>(serializer);
            Assert.Equal(message, serializer.FromBinary(serializer.ToBinary(message), message.GetType()));
        }

        var snapshot = new RegistrySnapshot("akka.tcp://robot@10.0.0.2:4053", 5, [record, record with { Name = "drive" }]);
        var snapshotSerializer = Sys.Serialization.FindSerializerFor(snapshot);
        var copy = (RegistrySnapshot)snapshotSerializer.FromBinary(snapshotSerializer.ToBinary(snapshot), typeof(RegistrySnapshot));
        Assert.Equal(snapshot.Records.AsEnumerable(), copy.Records.AsEnumerable());
        Assert.Equal(Noon, copy.Records[0].RegisteredAt);
    }
}
