namespace Cluster.Agents.Paths;

/// <summary>Maps a <see cref="PathKind"/> to and from the kind under which the registry lists a path (<c>path:state</c>).</summary>
public static class PathKinds
{
    /// <summary>The prefix of every path's registry kind.</summary>
    public const string Prefix = "path:";

    private static readonly string[] Names = ["path:action", "path:property", "path:event", "path:state"];

    /// <summary>Gets the registry kind of <paramref name="kind"/>.</summary>
    /// <param name="kind">The path's kind.</param>
    /// <returns>The registry kind, e.g. <c>path:state</c>.</returns>
    public static string ToRegistryKind(PathKind kind) => Names[(int)kind];

    /// <summary>Reads a registry kind as a path's kind.</summary>
    /// <param name="registryKind">The kind a registry entry carries.</param>
    /// <param name="kind">The path's kind, if it is one.</param>
    /// <returns>True if the entry is a path.</returns>
    public static bool TryParse(string registryKind, out PathKind kind)
    {
        var index = Array.IndexOf(Names, registryKind);
        kind = index < 0 ? default : (PathKind)index;
        return index >= 0;
    }

    /// <summary>Gets the lower-case name of <paramref name="kind"/>, as errors and the operator's listing show it.</summary>
    /// <param name="kind">The path's kind.</param>
    /// <returns>E.g. <c>state</c>.</returns>
    public static string Describe(PathKind kind) => Names[(int)kind][Prefix.Length..];
}
