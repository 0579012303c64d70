using Akka.Actor;
using Hyperion;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Cluster.Tests.Security;

/// <summary>
/// Plain Hyperion under the cluster serializer's identifier, without a type filter: what a hostile or
/// misconfigured peer runs to make a node create types of its choosing.
/// </summary>
public sealed class UnfilteredHyperionSerializer : AkkaSerializer
{
    private readonly Serializer _serializer = new(SerializerOptions.Default.WithVersionTolerance(false).WithPreserveObjectReferences(true));

    public UnfilteredHyperionSerializer(ExtendedActorSystem system, Akka.Configuration.Config config)
        : base(system)
    {
        _ = config;
    }

    public override int Identifier => Contracts.Serialization.HyperionSerializer.Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        _serializer.Serialize(obj, stream);
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return _serializer.Deserialize<object>(stream);
    }
}
