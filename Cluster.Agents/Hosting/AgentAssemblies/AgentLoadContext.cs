using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Cluster.Agents.Hosting.AgentAssemblies;

/// <summary>
/// The load context of one agent folder: an assembly the host ships comes from the host (so Akka's and the framework's
/// types are the host's own); any other comes from the folder, as its <c>.deps.json</c> files say, or by file name.
/// </summary>
internal sealed class AgentLoadContext : AssemblyLoadContext
{
    private static readonly HashSet<string> HostAssemblies = ReadHostAssemblies();
    private static readonly ConcurrentDictionary<string, bool> Probed = new(StringComparer.OrdinalIgnoreCase);
    [ThreadStatic]
    private static bool _probing;
    private readonly string _folder;
    private readonly List<AssemblyDependencyResolver> _resolvers;

    public AgentLoadContext(string folder)
        : base($"agents:{folder}")
    {
        _folder = folder;
        _resolvers = [.. Directory.GetFiles(folder, "*.deps.json")
            .Select(deps => Path.Combine(folder, Path.GetFileName(deps)[..^".deps.json".Length] + ".dll"))
            .Where(File.Exists)
            .Select(main => new AssemblyDependencyResolver(main))];
    }

    /// <summary>Whether the host ships an assembly of this simple name, so that agents share it.</summary>
    /// <remarks>
    /// Beyond the trusted platform list, the default context is asked: a single-file host keeps its own assemblies
    /// in its bundle, where only the default context sees them.
    /// </remarks>
    public static bool IsShared(string simpleName) =>
        HostAssemblies.Contains(simpleName) || Probed.GetOrAdd(simpleName, DefaultCanLoad);

    /// <summary>Whether a lookup comes from <see cref="IsShared"/> probing the default context, which agents must not answer.</summary>
    public static bool Probing => _probing;

    /// <summary>Loads an assembly of this folder for a lookup from the default context, or null when it has none.</summary>
    public Assembly? TryLoadAgentAssembly(AssemblyName name)
    {
        if (name.Name is null || IsShared(name.Name))
        {
            return null;
        }

        var loaded = Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase));
        return loaded ?? (FindPath(name) is { } path ? LoadFromAssemblyPath(path) : null);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || IsShared(assemblyName.Name))
        {
            // Null defers to the default context: one copy of Akka and of the framework in the process.
            return null;
        }

        return FindPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var resolver in _resolvers)
        {
            if (resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path)
            {
                return LoadUnmanagedDllFromPath(path);
            }
        }

        return IntPtr.Zero;
    }

    private string? FindPath(AssemblyName name)
    {
        foreach (var resolver in _resolvers)
        {
            if (resolver.ResolveAssemblyToPath(name) is { } path)
            {
                return path;
            }
        }

        var beside = Path.Combine(_folder, name.Name + ".dll");
        return File.Exists(beside) ? beside : null;
    }

    private static bool DefaultCanLoad(string simpleName)
    {
        _probing = true;
        try
        {
            Default.LoadFromAssemblyName(new AssemblyName(simpleName));
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return false;
        }
        finally
        {
            _probing = false;
        }
    }

    // The trusted platform assemblies are the runtime's and the host's own (its .deps.json): what the default context loads.
    private static HashSet<string> ReadHostAssemblies()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                names.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        foreach (var assembly in Default.Assemblies)
        {
            if (assembly.GetName().Name is { } name)
            {
                names.Add(name);
            }
        }

        return names;
    }
}
