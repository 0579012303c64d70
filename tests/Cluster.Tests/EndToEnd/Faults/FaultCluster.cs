using System.Globalization;
using System.Text.RegularExpressions;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>
/// A Lighthouse and hosts as real processes, each in a network namespace of its own on an <see cref="IsolatedNetwork"/>:
/// the Lighthouse in namespace 0 (10.77.0.1), host <c>i</c> in namespace <c>i</c> (10.77.0.(i + 1)), all on port 4053
/// and the robot-lan failure profile. Host <c>i</c> runs the load agents of <c>tests/FaultAgents</c>: <c>load{i}</c>
/// (1 kHz topic, echo requests to the other hosts' load devices, a held request at their hold devices),
/// <c>hold{i}</c> and a membership log with wall-clock times. Disposing stops every process, then the network.
/// </summary>
public sealed partial class FaultCluster : IAsyncDisposable
{
    /// <summary>The port every node listens on, each at its own address.</summary>
    public const int Port = 4053;

    /// <summary>How long any one step of a scenario may take: a node starting, a change being seen, a stats line showing it.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(170);
    private readonly List<NodeProcess> _processes = [];
    private readonly string _folder;

    private FaultCluster(IsolatedNetwork network, int hosts, string profile)
    {
        Network = network;
        Hosts = hosts;
        Profile = profile;
        Group = "faults-" + Guid.NewGuid().ToString("N")[..6];
        _folder = Directory.CreateTempSubdirectory("faults-").FullName;
        MembersFile = Path.Combine(_folder, "lighthouse.members");
    }

    /// <summary>Gets the network the nodes run on.</summary>
    public IsolatedNetwork Network { get; }

    /// <summary>Gets how many hosts (namespaces 1 to <see cref="Hosts"/>) there are room for.</summary>
    public int Hosts { get; }

    /// <summary>Gets the failure profile every node runs.</summary>
    public string Profile { get; }

    /// <summary>Gets the cluster's group.</summary>
    public string Group { get; }

    /// <summary>Gets the Lighthouse's members file, kept across its restarts.</summary>
    public string MembersFile { get; }

    /// <summary>Gets the Lighthouse's seed address, <c>10.77.0.1:4053</c>.</summary>
    public string Seed => $"{Network.Address(0)}:{Port}";

    /// <summary>Gets the address of host <paramref name="host"/> (from 1) as the membership lines print it.</summary>
    /// <param name="host">The host, from 1; 0 is the Lighthouse.</param>
    /// <returns>E.g. <c>10.77.0.2:4053</c>.</returns>
    public string Endpoint(int host) => $"{Network.Address(host)}:{Port}";

    /// <summary>Starts the Lighthouse in namespace 0.</summary>
    /// <returns>The process.</returns>
    public NodeProcess StartLighthouse()
    {
        var process = NodeProcess.StartDotnet(
            "lighthouse",
            [NodeProcess.LighthouseDll, "--ip", Network.Address(0), "--port", Port.ToString(CultureInfo.InvariantCulture), "--group", Group, "--members-file", MembersFile],
            Environment(),
            lifetime: Lifetime,
            launcher: Network.Enter(0));
        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> on a new cluster of a Lighthouse and <paramref name="hosts"/> hosts, then writes
    /// what every process said about membership and load to <paramref name="output"/> (whether the scenario passed or
    /// not) and stops everything.
    /// </summary>
    /// <param name="hosts">How many hosts.</param>
    /// <param name="output">The test's output.</param>
    /// <param name="scenario">The scenario; nothing runs when it starts.</param>
    /// <param name="profile">
    /// The failure profile of every node; by default robot-lan, or <c>FAULT_TESTS_PROFILE</c> when set, to measure another
    /// profile's figures with the same tests.
    /// </param>
    /// <returns>A task that completes when everything is gone.</returns>
    public static async Task RunAsync(int hosts, Xunit.Abstractions.ITestOutputHelper output, Func<FaultCluster, Task> scenario, string? profile = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        await using var cluster = await CreateAsync(hosts, profile);
        try
        {
            await scenario(cluster);
        }
        finally
        {
            cluster.WriteLog(output);
        }
    }

    /// <summary>Starts the Lighthouse in namespace 0 and waits until its cluster is up.</summary>
    /// <returns>The process.</returns>
    public async Task<NodeProcess> StartLighthouseAsync()
    {
        var process = StartLighthouse();
        await process.WaitForLineAsync("cluster up:", Wait);
        return process;
    }

    /// <summary>
    /// Starts the Lighthouse and every host, and waits until every host hears every other: their messages arrive and
    /// its requests to them are answered.
    /// </summary>
    /// <returns>The Lighthouse and the hosts, host <c>i</c> at index <c>i - 1</c>.</returns>
    public async Task<(NodeProcess Lighthouse, NodeProcess[] Hosts)> StartAllAsync()
    {
        var lighthouse = await StartLighthouseAsync();
        var hosts = Enumerable.Range(1, Hosts).Select(StartHost).ToArray();
        for (var host = 1; host <= Hosts; host++)
        {
            await WaitUntilHearsOthersAsync(hosts[host - 1], host);
        }

        return (lighthouse, hosts);
    }

    /// <summary>Starts host <paramref name="host"/> with its load agents, joining the Lighthouse; its load device sends requests to every other host.</summary>
    /// <param name="host">The host, from 1.</param>
    /// <returns>The process.</returns>
    public NodeProcess StartHost(int host)
    {
        var config = Path.Combine(_folder, $"host{host}.conf");
        File.WriteAllText(config, $$"""
            cluster-host.agents {
              load{{host}} {
                type = "FaultAgents.LoadDevice, FaultAgents"
                settings { peers = "{{string.Join(",", Others(host).Select(p => $"load{p}"))}}" }
              }
              hold{{host}} { type = "FaultAgents.HoldDevice, FaultAgents" }
              membership { type = "FaultAgents.MembershipTimes, FaultAgents" }
            }
            """);
        var process = NodeProcess.StartDotnet(
            $"host{host}",
            [NodeProcess.HostDll, "--ip", Network.Address(host), "--port", Port.ToString(CultureInfo.InvariantCulture), "--seed", Seed, "--group", Group,
                "--agents-path", NodeProcess.FaultAgentsDir, "--config", config],
            Environment(),
            lifetime: Lifetime,
            launcher: Network.Enter(host));
        _processes.Add(process);
        return process;
    }

    /// <summary>Waits until host <paramref name="host"/> hears every other host: their messages arrive and its requests to them are answered.</summary>
    /// <param name="node">The host's process.</param>
    /// <param name="host">The host, from 1.</param>
    /// <param name="from">The first line to look at.</param>
    /// <returns>The first stats line that shows it.</returns>
    public async Task<LoadStats> WaitUntilHearsOthersAsync(NodeProcess node, int host, int from = 0) =>
        (await WaitForStatsAsync(node, s => Others(host).All(s.Hears), from)).Stats;

    /// <summary>Waits until <paramref name="node"/> logs a membership change of node <paramref name="member"/> and returns its time.</summary>
    /// <param name="node">The node that logs it.</param>
    /// <param name="change">up, unreachable, reachable, downed or removed.</param>
    /// <param name="member">The member: 0 for the Lighthouse, else a host.</param>
    /// <param name="from">The first line to look at.</param>
    /// <returns>The wall-clock time of the change on that node.</returns>
    public async Task<DateTimeOffset> WaitForMembershipAsync(NodeProcess node, string change, int member, int from = 0)
    {
        ArgumentNullException.ThrowIfNull(node);
        var index = await node.WaitForLineIndexAsync(MembershipLine(change, member), Wait, from);
        return TimeOf(node.Lines[index]);
    }

    /// <summary>Gets the start of the line a node logs when node <paramref name="member"/>'s membership changes.</summary>
    /// <param name="change">up, unreachable, reachable, downed or removed.</param>
    /// <param name="member">The member: 0 for the Lighthouse, else a host.</param>
    /// <returns>E.g. <c>membership downed 10.77.0.4:4053 </c>.</returns>
    public string MembershipLine(string change, int member) => $"membership {change} {Endpoint(member)} ";

    /// <summary>Reads the wall-clock time <c>t=</c> of a line the load agents printed.</summary>
    /// <param name="line">The line.</param>
    /// <returns>The time.</returns>
    public static DateTimeOffset TimeOf(string line) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(TimePattern().Match(line).Groups[1].Value, CultureInfo.InvariantCulture));

    /// <summary>Waits for a stats line of <paramref name="node"/> after line <paramref name="from"/> that satisfies <paramref name="condition"/>.</summary>
    /// <param name="node">The host.</param>
    /// <param name="condition">What the line must show.</param>
    /// <param name="from">The first line to look at.</param>
    /// <param name="timeout">How long to wait; <see cref="Wait"/> by default.</param>
    /// <returns>The stats and the line's index.</returns>
    public static async Task<(LoadStats Stats, int Index)> WaitForStatsAsync(NodeProcess node, Func<LoadStats, bool> condition, int from = 0, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(condition);
        var within = timeout ?? Wait;
        using var deadline = new CancellationTokenSource(within);
        var next = from;
        LoadStats? last = null;
        while (true)
        {
            int index;
            try
            {
                index = await node.WaitForLineIndexAsync("stats t=", within, next);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{node.Name}: no stats line as wanted within {within.TotalSeconds} s; the last was: {last}\nOutput:\n{node.Output}");
            }

            var stats = LoadStats.Parse(node.Lines[index]);
            if (condition(stats))
            {
                return (stats, index);
            }

            last = stats;
            next = index + 1;
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"{node.Name}: no stats line as wanted within {within.TotalSeconds} s; the last was: {last}\nOutput:\n{node.Output}");
            }
        }
    }

    /// <summary>Formats a measured span for the figures a test prints.</summary>
    /// <param name="span">The span.</param>
    /// <returns>E.g. <c>1234 ms</c>.</returns>
    public static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0} ms";

    /// <summary>Stops every process, then deletes the network and the files.</summary>
    /// <returns>A task that completes when everything is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await Network.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Creates the network for a Lighthouse and <paramref name="hosts"/> hosts; nothing runs yet.</summary>
    /// <param name="hosts">How many hosts.</param>
    /// <param name="profile">The failure profile of every node, or null for the tests' own.</param>
    /// <returns>The cluster.</returns>
    private static async Task<FaultCluster> CreateAsync(int hosts, string? profile = null) =>
        new(
            await IsolatedNetwork.CreateAsync(hosts + 1, Lifetime + TimeSpan.FromSeconds(10)),
            hosts,
            profile ?? (System.Environment.GetEnvironmentVariable("FAULT_TESTS_PROFILE") is { Length: > 0 } chosen ? chosen : "robot-lan"));

    /// <summary>Writes what every process said about membership, load, held requests and warnings, for a failure's message.</summary>
    /// <param name="output">The test's output.</param>
    private void WriteLog(Xunit.Abstractions.ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var process in _processes.Where(p => p.Name != "netns"))
        {
            output.WriteLine($"--- {process.Name}");
            foreach (var line in process.Lines.Where(l => l.Contains("membership", StringComparison.Ordinal) || l.Contains("stats t=", StringComparison.Ordinal)
                || l.Contains("held", StringComparison.Ordinal) || l.Contains("warn", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)
                || l.Contains("cluster up", StringComparison.Ordinal) || l.Contains("remembered", StringComparison.Ordinal) || l.Contains("stopped", StringComparison.Ordinal)))
            {
                output.WriteLine(line);
            }
        }
    }

    private IEnumerable<int> Others(int host) => Enumerable.Range(1, Hosts).Where(p => p != host);

    private Dictionary<string, string?> Environment() => new() { ["CLUSTER_PROFILE"] = Profile };

    [GeneratedRegex(@" t=(\d+)")]
    private static partial Regex TimePattern();
}
