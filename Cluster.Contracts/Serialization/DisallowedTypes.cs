using System.Collections.Concurrent;
using System.Diagnostics;
using Hyperion.SerializerFactories;
using Hyperion.ValueSerializers;

namespace Cluster.Contracts.Serialization;

/// <summary>
/// The types the cluster's serializer refuses to write or read: code and live resources that mean nothing
/// on another computer or could run code when read (delegates, streams, files, processes, threads,
/// tasks, reflection objects, pointers). Refusing them when written gives the sender a clear error
/// naming the type, instead of a message that silently never arrives.
/// </summary>
public sealed class DisallowedTypes : ValueSerializerFactory
{
    private static readonly Type[] Roots =
    [
        typeof(Delegate),
        typeof(Stream),
        typeof(FileSystemInfo),
        typeof(Process),
        typeof(Thread),
        typeof(Task),
        typeof(System.Reflection.MemberInfo),
        typeof(System.Reflection.Assembly),
        typeof(System.Runtime.InteropServices.SafeHandle),
        typeof(WaitHandle),
    ];

    /// <summary>Tells whether <paramref name="type"/> is refused.</summary>
    /// <param name="type">A type about to be written or read.</param>
    /// <returns>Whether the serializer refuses it.</returns>
    public static bool IsDisallowed(Type type) =>
        type.IsPointer || type == typeof(IntPtr) || type == typeof(UIntPtr) || Roots.Any(root => root.IsAssignableFrom(type));

    /// <inheritdoc />
    public override bool CanSerialize(Hyperion.Serializer serializer, Type type) => IsDisallowed(type);

    /// <inheritdoc />
    public override bool CanDeserialize(Hyperion.Serializer serializer, Type type) => IsDisallowed(type);

    /// <inheritdoc />
    public override ValueSerializer BuildSerializer(Hyperion.Serializer serializer, Type type, ConcurrentDictionary<Type, ValueSerializer> typeMapping) =>
        throw new NotSupportedException(
            $"The type {type.FullName} cannot cross the wire: the cluster's serializer refuses delegates, streams, files, processes, threads, tasks, reflection objects and handles. Send plain data instead.");
}
