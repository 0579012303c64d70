using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Hyperion;
using Hyperion.Internal;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Cluster.Contracts.Serialization;

/// <summary>
/// The Akka serializer for every <see cref="IClusterMessage"/>: a binary serializer over the Hyperion
/// package, with actor references carried as their full paths, and which creates from bytes only the types
/// that <see cref="SerializationAllowList"/> allows.
/// </summary>
/// <remarks>
/// The base HOCON binds it to <see cref="IClusterMessage"/> only, never to <see cref="object"/>, so
/// Akka's own system messages keep their own serializers. Hyperion writes the CLR type of each object
/// into the stream, so a message's payload may be any type, including records, immutable collections,
/// nested objects and exceptions. When reading, the type names in the bytes are checked against
/// <see cref="SerializationAllowList"/> (Hyperion's type filter) before any type is loaded: a peer that names
/// another type gets nothing created; the read fails with a <see cref="SerializationException"/> naming the type,
/// the refusal is counted (<see cref="RefusedCount"/>) and logged once per type name, and the node carries on.
/// The types of <see cref="DisallowedTypes"/> (delegates, streams, files, processes and the like) are refused
/// when written as well.
/// </remarks>
public sealed class HyperionSerializer : AkkaSerializer
{
    /// <summary>The identifier under which the base HOCON registers this serializer.</summary>
    public const int Id = 441;

    /// <summary>The key, in this serializer's section, that lists assemblies whose types may be created from the network.</summary>
    public const string AllowedAssembliesKey = "allowed-assemblies";

    // Distinct refused type names logged; past this, refusals are only counted, so that a peer cannot flood the log.
    private const int MaximumLoggedTypes = 1000;

    private readonly Hyperion.Serializer _serializer;
    private readonly AllowListTypeFilter _filter;
    private readonly ConcurrentDictionary<string, byte> _logged = new(StringComparer.Ordinal);
    private long _refused;

    /// <summary>Creates the serializer for <paramref name="system"/>; Akka calls this from configuration.</summary>
    /// <param name="system">The actor system whose actor references the serializer resolves.</param>
    public HyperionSerializer(ExtendedActorSystem system)
        : this(system, ConfigurationFactory.Empty)
    {
    }

    /// <summary>Creates the serializer for <paramref name="system"/> with its HOCON section.</summary>
    /// <param name="system">The actor system whose actor references the serializer resolves.</param>
    /// <param name="config">
    /// The serializer's configuration section (<c>akka.actor.serialization-settings.hyperion</c>); its
    /// <c>allowed-assemblies</c> list names assemblies whose types this node creates from the network besides
    /// those of <see cref="SerializationAllowList"/>.
    /// </param>
    public HyperionSerializer(ExtendedActorSystem system, Config config)
        : base(system)
    {
        ArgumentNullException.ThrowIfNull(config);
        _filter = new AllowListTypeFilter(config.IsEmpty ? [] : config.GetStringList(AllowedAssembliesKey, []));
        var actorRefSurrogate = Surrogate.Create<IActorRef, ActorRefSurrogate>(
            actorRef => new ActorRefSurrogate(Akka.Serialization.Serialization.SerializedActorPath(actorRef)),
            surrogate => system.Provider.ResolveActorRef(surrogate.Path));

        var options = SerializerOptions.Default
            .WithVersionTolerance(false)
            .WithPreserveObjectReferences(true)
            .WithSurrogates([actorRefSurrogate])
            .WithSerializerFactory([new DisallowedTypes()])
            .WithDisallowUnsafeType(true)
            .WithTypeFilter(_filter)
            // Contracts built on .NET Framework name mscorlib; on .NET they live in System.Private.CoreLib.
            .WithPackageNameOverrides([name => name.Replace("mscorlib,", "System.Private.CoreLib,", StringComparison.Ordinal)]);
        _serializer = new Hyperion.Serializer(options);
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => false;

    /// <summary>Gets how many reads this serializer refused because the bytes named a type it may not create.</summary>
    public long RefusedCount => Interlocked.Read(ref _refused);

    /// <summary>Gets the assemblies this node's configuration allows besides <see cref="SerializationAllowList"/>.</summary>
    public IReadOnlySet<string> ConfiguredAssemblies => _filter.Configured;

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
        try
        {
            return _serializer.Deserialize<object>(stream);
        }
        catch (Exception e) when (Refused(e) is { } refused)
        {
            // Hyperion wraps the refusal in the error of each object being read around it.
            throw Refuse(refused.BadTypeString, e);
        }
    }

    private static EvilDeserializationException? Refused(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is EvilDeserializationException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private SerializationException Refuse(string typeName, Exception error)
    {
        var count = Interlocked.Increment(ref _refused);
        var reason = SerializationAllowList.Refusal(typeName, _filter.Configured) ?? "Hyperion deems it unsafe to create from the wire";
        var shown = typeName.Length > 500 ? typeName[..500] + "…" : typeName;
        if (_logged.Count < MaximumLoggedTypes && _logged.TryAdd(typeName, 0))
        {
            Logging.GetLogger(system, typeof(HyperionSerializer)).Warning(
                "Refused to create {0} from serialized bytes: {1}. Such messages are dropped or their calls fail ({2} refused so far; each type is logged once).",
                shown,
                reason,
                count);
        }

        return new SerializationException($"Refused to create {shown} from serialized bytes: {reason}.", error);
    }

    /// <summary>The wire form of an actor reference: its path with the address of its node.</summary>
    /// <param name="Path">The serialized actor path.</param>
    internal sealed record ActorRefSurrogate(string Path);
}
