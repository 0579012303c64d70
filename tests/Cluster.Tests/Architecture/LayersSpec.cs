using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts;
using Cluster.Tests.EndToEnd;
using NetArchTest.Rules;
using Xunit;

namespace Cluster.Tests.Architecture;

/// <summary>The layers' rules: the core under the faces, the faces beside one another, the contracts under all.</summary>
public sealed class LayersSpec
{
    private const string Core = "Cluster.Agents.Core";

    // Faces not written yet count as soon as a project of that name exists and the tests reference it.
    private static readonly string[] FaceNames = ["Devices", "Messages", "Rpc", "Commands", "Paths"];
    private static readonly string[] BuiltFaces = ["Devices", "Messages", "Rpc", "Paths", "Commands"];

    private static readonly Assembly CoreAssembly = typeof(TopicBus).Assembly;

    private static string FaceNamespace(string face) => $"Cluster.Agents.{face}";

    private static IReadOnlyList<(string Face, Assembly Assembly)> Faces() =>
    [
        .. FaceNames
            .Where(face => File.Exists(Path.Combine(AppContext.BaseDirectory, FaceNamespace(face) + ".dll")))
            .Select(face => (face, Assembly.Load(new AssemblyName(FaceNamespace(face))))),
    ];

    // Each forbidden dependency that the assembly's types have, with the types that have it.
    private static List<string> Offenders(Assembly assembly, IEnumerable<string> forbidden) =>
    [
        .. forbidden
            .Select(dependency => (dependency, Types: Types.InAssembly(assembly).That().HaveDependencyOn(dependency).GetTypes().Select(t => t.FullName).ToList()))
            .Where(found => found.Types.Count > 0)
            .Select(found => $"{assembly.GetName().Name} uses {found.dependency} in {string.Join(", ", found.Types)}"),
    ];

    [Fact]
    public void The_core_depends_on_no_face_nor_on_hosting_nor_on_the_operator()
    {
        string[] forbidden =
        [
            .. FaceNames.Select(FaceNamespace),
            "Cluster.Agents.Hosting", "Cluster.Agents.Operator", "Akka.Hosting", "Microsoft.Extensions.Hosting",
        ];

        var offenders = Offenders(CoreAssembly, forbidden);

        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void No_face_depends_on_another_face()
    {
        var faces = Faces();
        Assert.Superset(BuiltFaces.ToHashSet(), faces.Select(f => f.Face).ToHashSet());

        var offenders = faces
            .SelectMany(face => Offenders(face.Assembly, FaceNames.Where(other => other != face.Face).Select(FaceNamespace)))
            .ToList();

        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void The_contracts_depend_on_nothing_of_the_agents()
    {
        var offenders = Offenders(typeof(IClusterMessage).Assembly, ["Cluster.Agents"]);

        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void The_lighthouse_neither_links_nor_ships_the_demo_robot_or_the_messages_face()
    {
        var linked = Reachable(Path.GetFileNameWithoutExtension(NodeProcess.LighthouseDll), ReferencedAssemblies(Path.GetDirectoryName(NodeProcess.LighthouseDll)!));
        var shipped = Reachable("Lighthouse", DeployedDependencies(Path.ChangeExtension(NodeProcess.LighthouseDll, ".deps.json")));

        // Without the node's wiring the Lighthouse would not reach the core either, and the rule would prove nothing.
        Assert.Contains(Core, linked.Keys);
        Assert.Contains(Core, shipped.Keys);
        var offenders = new[] { "Cluster.Host", FaceNamespace("Messages") }
            .SelectMany(name => new[] { (Verb: "links", Found: linked), (Verb: "ships", Found: shipped) }
                .Where(check => check.Found.ContainsKey(name))
                .Select(check => $"Lighthouse {check.Verb} {name} through {check.Found[name]}"))
            .ToList();
        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void The_namespaces_of_the_core_do_not_depend_on_one_another_in_a_cycle()
    {
        var uses = NamespaceDependencies(CoreAssembly, Core);
        Assert.True(uses.Count >= 2, $"the core has too few namespaces for the rule to mean anything: {string.Join(", ", uses.Keys)}");

        var cycle = FindCycle(uses.ToDictionary(n => n.Key, n => n.Value.Keys.ToList()));

        Assert.True(
            cycle is null,
            cycle is null
                ? ""
                : "The core's namespaces depend on one another in a cycle: " + string.Join(" -> ", cycle) + Environment.NewLine +
                  string.Join(Environment.NewLine, cycle.Zip(cycle.Skip(1), (from, to) => $"{from} uses {to} in {string.Join(", ", uses[from][to])}")));
    }

    /// <summary>
    /// For each namespace of <paramref name="assembly"/> under <paramref name="root"/>, the other such namespaces its
    /// types use, each with the types that use it.
    /// </summary>
    private static Dictionary<string, Dictionary<string, List<string>>> NamespaceDependencies(Assembly assembly, string root)
    {
        var types = assembly.GetTypes().Where(t => !t.IsNested && t.Namespace is { } ns && (ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal))).ToList();
        var namespaces = types.GroupBy(t => t.Namespace!).ToDictionary(g => g.Key, g => g.ToList());
        var uses = namespaces.Keys.ToDictionary(ns => ns, _ => new Dictionary<string, List<string>>());
        foreach (var (user, _) in namespaces)
        {
            foreach (var (used, usedTypes) in namespaces.Where(n => n.Key != user))
            {
                // A type's full name rather than its namespace: a namespace as a dependency also covers the ones under it.
                var users = Types.InAssembly(assembly)
                    .That().ResideInNamespaceMatching("^" + Regex.Escape(user) + "$")
                    .And().HaveDependencyOnAny([.. usedTypes.Select(t => t.FullName!)])
                    .GetTypes()
                    .Select(t => t.FullName!)
                    .ToList();
                if (users.Count > 0)
                {
                    uses[user][used] = users;
                }
            }
        }

        return uses;
    }

    /// <summary>A cycle of the graph as its nodes, the first repeated at the end; null when the graph has none.</summary>
    private static List<string>? FindCycle(Dictionary<string, List<string>> graph)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the current path; true: done
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = false;
            path.Add(node);
            foreach (var next in graph[node].Order(StringComparer.Ordinal))
            {
                if (!state.TryGetValue(next, out var done))
                {
                    if (Visit(next) is { } found)
                    {
                        return found;
                    }
                }
                else if (!done)
                {
                    return [.. path.Skip(path.IndexOf(next)), next];
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = true;
            return null;
        }

        return graph.Keys.Order(StringComparer.Ordinal).Where(node => !state.ContainsKey(node)).Select(Visit).FirstOrDefault(cycle => cycle is not null);
    }

    /// <summary>Every node reachable from <paramref name="start"/>, each with the path that reaches it first.</summary>
    private static Dictionary<string, string> Reachable(string start, Func<string, IEnumerable<string>> next)
    {
        var reached = new Dictionary<string, string>(StringComparer.Ordinal) { [start] = start };
        var pending = new Queue<string>([start]);
        while (pending.TryDequeue(out var current))
        {
            foreach (var name in next(current).Where(name => reached.TryAdd(name, $"{reached[current]} -> {name}")))
            {
                pending.Enqueue(name);
            }
        }

        reached.Remove(start);
        return reached;
    }

    // The assemblies an assembly of the folder references in its metadata: those its code uses.
    private static Func<string, IEnumerable<string>> ReferencedAssemblies(string folder) => name =>
    {
        var file = Path.Combine(folder, name + ".dll");
        if (!File.Exists(file))
        {
            return [];
        }

        using var pe = new PEReader(File.OpenRead(file));
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))];
    };

    // The libraries a library depends on according to the program's deps file: what the build deploys with it.
    private static Func<string, IEnumerable<string>> DeployedDependencies(string depsFile)
    {
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        var graph = deps.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject().ToDictionary(
            library => library.Name.Split('/')[0],
            library => library.Value.TryGetProperty("dependencies", out var dependencies) ? dependencies.EnumerateObject().Select(d => d.Name).ToList() : [],
            StringComparer.Ordinal);
        return name => graph.GetValueOrDefault(name) ?? [];
    }
}
