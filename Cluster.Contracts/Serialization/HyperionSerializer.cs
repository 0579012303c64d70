using Akka.Actor;
using Akka.Configuration;
using Hyperion;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Cluster.Contracts.Serialization;

/// <summary>
/// The Akka serializer for every <see cref="IClusterMessage"/>: a binary serializer over the Hyperion
/// package, with actor references carried as their full paths and unsafe types refused.
/// </summary>
/// <remarks>
/// The base HOCON binds it to <see cref="IClusterMessage"/> only, never to <see cref="object"/>, so
/// Akka's own system messages keep their own serializers. Hyperion writes the CLR type of each object
/// into the stream, so a message's payload may be any type, including records, immutable collections,
/// nested objects and exceptions. The types of <see cref="DisallowedTypes"/> (delegates, streams, files,
/// processes and the like) are refused when written and when read, and so is every type Hyperion deems
/// unsafe to instantiate from the wire.
/// </remarks>
public sealed class HyperionSerializer : AkkaSerializer
{
    /// <summary>The identifier under which the base HOCON registers this serializer.</summary>
    public const int Id = 441;

    private readonly Hyperion.Serializer _serializer;

    /// <summary>Creates the serializer for <paramref name="system"/>; Akka calls this from configuration.</summary>
    /// <param name="system">The actor system whose actor references the serializer resolves.</param>
    public HyperionSerializer(ExtendedActorSystem system)
        : this(system, ConfigurationFactory.Empty)
    {
    }

    /// <summary>Creates the serializer for <paramref name="system"/> with its HOCON section.</summary>
    /// <param name="system">The actor system whose actor references the serializer resolves.</param>
    /// <param name="config">The serializer's configuration section; nothing in it is read yet.</param>
    public HyperionSerializer(ExtendedActorSystem system, Config config)
        : base(system)
    {
        _ = config;
        var actorRefSurrogate = Surrogate.Create<IActorRef, ActorRefSurrogate>(
            actorRef => new ActorRefSurrogate(Akka.Serialization.Serialization.SerializedActorPath(actorRef)),
            surrogate => system.Provider.ResolveActorRef(surrogate.Path));

        var options = SerializerOptions.Default
            .WithVersionTolerance(false)
            .WithPreserveObjectReferences(true)
            .WithSurrogates([actorRefSurrogate])
            .WithSerializerFactory([new DisallowedTypes()])
            .WithDisallowUnsafeType(true)
            // Contracts built on .NET Framework name mscorlib; on .NET they live in System.Private.CoreLib.
            .WithPackageNameOverrides([name => name.Replace("mscorlib,", "System.Private.CoreLib,", StringComparison.Ordinal)]);
        _serializer = new Hyperion.Serializer(options);
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => false;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        _serializer.Serialize(obj, stream);
        return stream.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return _serializer.Deserialize<object>(stream);
    }

    /// <summary>The wire form of an actor reference: its path with the address of its node.</summary>
    /// <param name="Path">The serialized actor path.</param>
    internal sealed record ActorRefSurrogate(string Path);
}
