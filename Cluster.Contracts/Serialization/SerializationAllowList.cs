using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;

namespace Cluster.Contracts.Serialization;

/// <summary>
/// The types that the cluster's serializer may create from bytes that arrive from the network: the framework's
/// message types, the plain value and collection types of .NET they are made of, exceptions of .NET and Akka, and
/// every type of an assembly registered here. Any other type a peer names is refused before it is loaded.
/// </summary>
/// <remarks>
/// <para>A binary serializer that writes CLR type names lets the sender choose which type the receiver creates; a
/// deny-list of dangerous types can never be complete, so the receiver only creates types it knows to be data.</para>
/// <para>Allowed without registration: every type of <c>Cluster.Contracts</c>, of the framework's assemblies
/// (<c>Cluster.Agents.*</c>, which register themselves with <see cref="RegisterFamily"/>) and of the host program (<c>Cluster.Host</c>); from .NET's own assemblies the types of
/// the namespaces <c>System</c>, <c>System.Collections</c>, <c>System.Collections.Generic</c>,
/// <c>System.Collections.Immutable</c>, <c>System.Collections.Concurrent</c>, <c>System.Collections.ObjectModel</c>
/// and <c>System.Numerics</c> (not types, delegates, handles or the other kinds that <see cref="DisallowedTypes"/>
/// refuses); every exception type of .NET and Akka; and <c>Akka.Actor.Address</c>. A generic type is allowed when its
/// definition and every argument are, an array when its element type is.</para>
/// <para>Agent assemblies are registered by the host when it loads them (from agent folders, or when an agent type
/// is registered in code). Register any other assembly whose types travel in messages with
/// <see cref="Register(Assembly)"/> before the node starts, or list it under
/// <c>akka.actor.serialization-settings.hyperion.allowed-assemblies</c>. Registration is for the whole process.</para>
/// </remarks>
public static class SerializationAllowList
{
    private static readonly ImmutableHashSet<string> FrameworkAssemblies =
        ImmutableHashSet.Create(StringComparer.Ordinal, "Cluster.Contracts", "Cluster.Host");

    private static readonly ConcurrentDictionary<string, byte> RegisteredFamilies = new(StringComparer.Ordinal);

    private static readonly ImmutableHashSet<string> DataNamespaces = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "System",
        "System.Collections",
        "System.Collections.Generic",
        "System.Collections.Immutable",
        "System.Collections.Concurrent",
        "System.Collections.ObjectModel",
        "System.Numerics");

    private static readonly ImmutableHashSet<string> AllowedAkkaTypes = ImmutableHashSet.Create(StringComparer.Ordinal, "Akka.Actor.Address");

    private static readonly ConcurrentDictionary<string, byte> Registered = new(StringComparer.Ordinal);

    // The verdict on each .NET or Akka type name, which needs the type loaded; bounded so that a peer naming
    // endless different types cannot grow it without end.
    private static readonly ConcurrentDictionary<string, string?> LibraryVerdicts = new(StringComparer.Ordinal);
    private const int MaximumLibraryVerdicts = 10_000;

    /// <summary>Gets the simple names of the assemblies registered so far, besides the framework's own.</summary>
    public static IReadOnlyCollection<string> RegisteredAssemblies => [.. Registered.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Allows every type of <paramref name="assembly"/> to be created from the network, in this process.</summary>
    /// <param name="assembly">An assembly whose types travel in messages (an agent assembly, a library of payload types).</param>
    public static void Register(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Register(assembly.GetName().Name ?? throw new ArgumentException("The assembly has no name.", nameof(assembly)));
    }

    /// <summary>Allows every type of the assembly named <paramref name="assemblyName"/> to be created from the network, in this process.</summary>
    /// <param name="assemblyName">The assembly's simple name, e.g. <c>MyRobot</c>.</param>
    public static void Register(string assemblyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assemblyName);
        Registered.TryAdd(assemblyName.Trim(), 0);
    }

    /// <summary>
    /// Allows every type of every assembly whose simple name starts with <paramref name="prefix"/>, in this process:
    /// a framework's family of assemblies, which registers itself (the agents' core does so for <c>Cluster.Agents.</c>
    /// when a node's serializers are created, so this assembly need not know the layers above it).
    /// </summary>
    /// <param name="prefix">The start of the assemblies' simple names, e.g. <c>Cluster.Agents.</c>.</param>
    public static void RegisterFamily(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        RegisteredFamilies.TryAdd(prefix, 0);
    }

    /// <summary>Tells why the type a peer names may not be created from the network, or null when it may.</summary>
    /// <param name="typeName">An assembly-qualified type name as the serializer reads it from the wire.</param>
    /// <param name="alsoAllowed">Assemblies allowed besides the registered ones (a node's configuration).</param>
    /// <returns>Null if the type is allowed, else a sentence saying why it is refused.</returns>
    public static string? Refusal(string typeName, IReadOnlySet<string>? alsoAllowed = null)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        // Hyperion writes the core library's version, culture and key as a placeholder.
        var name = typeName.Replace(",%core%", "", StringComparison.Ordinal);
        if (!TypeName.TryParse(name.AsSpan(), out var parsed))
        {
            return "it is not a valid assembly-qualified type name";
        }

        return Refusal(parsed, alsoAllowed ?? ImmutableHashSet<string>.Empty, depth: 0);
    }

    /// <summary>Tells whether <paramref name="assemblyName"/> belongs to the framework or has been registered.</summary>
    /// <param name="assemblyName">An assembly's simple name.</param>
    /// <returns>Whether all its types may be created from the network.</returns>
    public static bool IsRegistered(string assemblyName) =>
        FrameworkAssemblies.Contains(assemblyName)
        || RegisteredFamilies.Keys.Any(prefix => assemblyName.StartsWith(prefix, StringComparison.Ordinal))
        || Registered.ContainsKey(assemblyName);

    private static string? Refusal(TypeName type, IReadOnlySet<string> alsoAllowed, int depth)
    {
        if (depth > 16)
        {
            return "its generic arguments are nested too deeply";
        }

        if (type.IsPointer || type.IsByRef)
        {
            return "pointers and references cannot cross the wire";
        }

        if (type.IsArray)
        {
            return Refusal(type.GetElementType(), alsoAllowed, depth + 1);
        }

        if (type.IsConstructedGenericType)
        {
            if (Refusal(type.GetGenericTypeDefinition(), alsoAllowed, depth + 1) is { } definition)
            {
                return definition;
            }

            foreach (var argument in type.GetGenericArguments())
            {
                if (Refusal(argument, alsoAllowed, depth + 1) is { } refused)
                {
                    return $"its type argument {argument.FullName} is refused: {refused}";
                }
            }

            return null;
        }

        var assembly = type.AssemblyName?.Name;
        if (string.IsNullOrEmpty(assembly))
        {
            return "it names no assembly";
        }

        if (IsRegistered(assembly) || alsoAllowed.Contains(assembly))
        {
            return null;
        }

        if (IsLibrary(assembly))
        {
            return LibraryRefusal(type.AssemblyQualifiedName, assembly);
        }

        return $"its assembly {assembly} is not registered: only the framework's types, .NET's data types and the types of registered assemblies (agent assemblies, {nameof(SerializationAllowList)}.{nameof(Register)}, akka.actor.serialization-settings.hyperion.allowed-assemblies) are created from the network";
    }

    private static bool IsLibrary(string assembly) =>
        assembly is "System" or "mscorlib" or "netstandard" or "Akka"
        || assembly.StartsWith("System.", StringComparison.Ordinal)
        || assembly.StartsWith("Akka.", StringComparison.Ordinal);

    private static string? LibraryRefusal(string assemblyQualifiedName, string assembly)
    {
        if (LibraryVerdicts.TryGetValue(assemblyQualifiedName, out var known))
        {
            return known;
        }

        var verdict = JudgeLibraryType(assemblyQualifiedName, assembly);
        if (LibraryVerdicts.Count < MaximumLibraryVerdicts)
        {
            LibraryVerdicts.TryAdd(assemblyQualifiedName, verdict);
        }

        return verdict;
    }

    // Only .NET's and Akka's own assemblies get this far, so loading the type runs no code a peer chose.
    private static string? JudgeLibraryType(string assemblyQualifiedName, string assembly)
    {
        Type? type;
        try
        {
            type = Type.GetType(assemblyQualifiedName, throwOnError: false);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or ArgumentException or TypeLoadException)
        {
            type = null;
        }

        if (type is null)
        {
            return $"no such type in {assembly} on this node";
        }

        if (DisallowedTypes.IsDisallowed(type) || typeof(Type).IsAssignableFrom(type))
        {
            return "it is code or a live resource, not data";
        }

        if (typeof(Exception).IsAssignableFrom(type))
        {
            return null;
        }

        if (assembly.StartsWith("Akka", StringComparison.Ordinal))
        {
            return AllowedAkkaTypes.Contains(type.FullName ?? "")
                ? null
                : $"of Akka's types only exceptions and {string.Join(", ", AllowedAkkaTypes)} are created from the network";
        }

        var outer = type;
        while (outer.DeclaringType is { } declaring)
        {
            outer = declaring;
        }

        return outer.Namespace is { } ns && DataNamespaces.Contains(ns)
            ? null
            : $"of .NET's own types only exceptions and those of the namespaces {string.Join(", ", DataNamespaces.Order(StringComparer.Ordinal))} are created from the network";
    }
}
