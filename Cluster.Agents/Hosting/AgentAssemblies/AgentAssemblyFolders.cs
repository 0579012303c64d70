using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Cluster.Agents.Core.Configuration;
using Cluster.Contracts.Serialization;

namespace Cluster.Agents.Hosting.AgentAssemblies;

/// <summary>
/// Loads a team's agent assemblies from folders (a build or publish output of the team's project), each folder in
/// its own <see cref="AssemblyLoadContext"/> with its own dependencies, while the framework's assemblies (Akka,
/// Cluster.*, and whatever else the host ships) are shared with the host so that types match.
/// </summary>
/// <remarks>
/// An agent assembly is a <c>.dll</c> of the folder that references the framework (<c>Cluster.Agents.*</c> or
/// <c>Cluster.Contracts</c>) and that the host does not ship itself; it is loaded at once and made visible to
/// <see cref="Type.GetType(string)"/>, so <c>type = "MyRobot.DriveAgent, MyRobot"</c> finds it, and registered with
/// <see cref="SerializationAllowList"/>, so its types may arrive from other nodes. Its other dependencies load from
/// its folder when first used, as its <c>.deps.json</c> says.
/// </remarks>
public sealed class AgentAssemblyFolders
{
    /// <summary>The HOCON key listing agent folders, beside <c>cluster-host.agents</c>.</summary>
    public const string ConfigKey = "cluster-host.agents-path";

    /// <summary>The command-line option naming an agent folder.</summary>
    public const string Option = "--agents-path";

    private static readonly object Gate = new();
    private static readonly List<AgentLoadContext> Contexts = [];
    private static bool _resolving;

    private AgentAssemblyFolders(ImmutableArray<string> folders, ImmutableArray<Assembly> assemblies, ImmutableArray<string> seen)
    {
        Folders = folders;
        Assemblies = assemblies;
        Seen = seen;
    }

    /// <summary>Gets no folders: the host's own assemblies only.</summary>
    public static AgentAssemblyFolders None { get; } = new([], [], []);

    /// <summary>Gets the folders searched, as full paths.</summary>
    public ImmutableArray<string> Folders { get; }

    /// <summary>Gets the agent assemblies loaded from the folders.</summary>
    public ImmutableArray<Assembly> Assemblies { get; }

    /// <summary>Gets the file names of the assemblies seen in the folders that the host does not ship itself, for messages.</summary>
    public ImmutableArray<string> Seen { get; }

    /// <summary>Loads the agent assemblies of <paramref name="folders"/>.</summary>
    /// <param name="folders">The folders with the setting each came from (a key or an option), for error messages.</param>
    /// <returns>The loaded folders.</returns>
    /// <exception cref="ClusterConfigurationException">
    /// A folder does not exist, holds no assembly, or holds an agent assembly built against another major or minor
    /// version of the framework than the host's.
    /// </exception>
    public static AgentAssemblyFolders Load(IEnumerable<(string Folder, string Key)> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var full = new List<string>();
        var assemblies = new List<Assembly>();
        var seen = new List<string>();
        var hostVersion = FrameworkVersion.Of(typeof(TypeNames).Assembly.GetName());
        foreach (var (folder, key) in folders)
        {
            var path = Path.GetFullPath(folder);
            if (!Directory.Exists(path))
            {
                throw new ClusterConfigurationException(key, folder, $"no such folder ({path}).");
            }

            if (full.Contains(path, StringComparer.Ordinal))
            {
                continue;
            }

            full.Add(path);
            var files = Directory.GetFiles(path, "*.dll").Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                throw new ClusterConfigurationException(key, folder, $"no assemblies (*.dll) in {path}: give the output folder of the agents' project (bin/<configuration>/<framework>, or a publish folder).");
            }

            seen.AddRange(files.Where(file => !AgentLoadContext.IsShared(Path.GetFileNameWithoutExtension(file))).Select(Path.GetFileName)!);
            var agentFiles = new List<string>();
            foreach (var file in files.Where(file => !AgentLoadContext.IsShared(Path.GetFileNameWithoutExtension(file))))
            {
                var references = FrameworkVersion.ReferencesOf(file);
                if (references is null || !references.Any(FrameworkVersion.IsFramework))
                {
                    continue;
                }

                if (FrameworkVersion.Mismatch(Path.GetFileName(file), references, hostVersion) is { } problem)
                {
                    throw new ClusterConfigurationException(key, folder, problem);
                }

                agentFiles.Add(file);
            }

            var context = new AgentLoadContext(path);
            lock (Gate)
            {
                Contexts.Add(context);
                if (!_resolving)
                {
                    // Type.GetType resolves an assembly-qualified name in the default context; this lets it see the agents.
                    AssemblyLoadContext.Default.Resolving += (_, name) => Resolve(name);
                    _resolving = true;
                }
            }

            foreach (var file in agentFiles)
            {
                var assembly = context.LoadFromAssemblyPath(file);
                // The agents' own messages and payloads travel between hosts; the serializer creates only registered types.
                SerializationAllowList.Register(assembly);
                assemblies.Add(assembly);
            }
        }

        return new AgentAssemblyFolders([.. full], [.. assemblies], [.. seen]);
    }

    /// <summary>Describes what was searched, for a message about a type that was not found.</summary>
    /// <returns>A sentence naming the folders and the assemblies seen there.</returns>
    public string Describe()
    {
        if (Folders.IsEmpty)
        {
            return $"no agent folders were given ({Option} DIR or {ConfigKey}); the host's own assemblies were searched.";
        }

        var loaded = Assemblies.IsEmpty
            ? "no agent assembly (none references Cluster.Agents)"
            : "agent assemblies " + string.Join(", ", Assemblies.Select(a => a.GetName().Name));
        return $"searched the host's assemblies and the agent folders {string.Join(", ", Folders)}: {loaded}; assemblies seen there besides the host's own: {(Seen.IsEmpty ? "none" : string.Join(", ", Seen))}.";
    }

    private static Assembly? Resolve(AssemblyName name)
    {
        if (AgentLoadContext.Probing)
        {
            return null;
        }

        lock (Gate)
        {
            foreach (var context in Contexts)
            {
                if (context.TryLoadAgentAssembly(name) is { } assembly)
                {
                    return assembly;
                }
            }
        }

        return null;
    }
}
