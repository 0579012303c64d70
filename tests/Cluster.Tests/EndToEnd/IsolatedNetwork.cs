namespace Cluster.Tests.EndToEnd;

/// <summary>
/// A private network of hosts on this machine, for cutting a host off: a switch (a bridge in a network namespace of
/// its own) and one network namespace per host, each joined to the switch by a veth pair, host <c>i</c> at
/// <c>10.77.0.(i + 1)</c>. Every namespace is new and nothing is set up in the machine's own, so no test address can
/// be routed off the machine. Each namespace is held by a process (<c>unshare --net cat</c> under <c>timeout</c>,
/// which also ends when the test process dies); disposing deletes the veths and the bridge, then stops the holders
/// by PID. Packet loss and partitions are nftables rules inside a host's namespace. Needs root, iproute2 (<c>ip</c>),
/// nftables (<c>nft</c>) and util-linux (<c>unshare</c>, <c>nsenter</c>).
/// </summary>
public sealed class IsolatedNetwork : IAsyncDisposable
{
    private const string Subnet = "10.77.0";
    private const string Bridge = "br0";
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private readonly NodeProcess _switch;
    private readonly List<NodeProcess> _hosts = [];
    private readonly List<string> _ports = [];

    private IsolatedNetwork(NodeProcess @switch) => _switch = @switch;

    /// <summary>Creates the switch and <paramref name="hosts"/> hosts, each with its address up.</summary>
    /// <param name="hosts">How many hosts.</param>
    /// <param name="lifetime">How long the namespaces live at most, even if the test process dies; 180 s by default.</param>
    /// <returns>The network.</returns>
    public static async Task<IsolatedNetwork> CreateAsync(int hosts, TimeSpan? lifetime = null)
    {
        var holdFor = lifetime ?? DefaultLifetime;
        var network = new IsolatedNetwork(await HoldAsync("switch", holdFor));
        try
        {
            await RunAsync(network._switch, "ip", "link", "add", Bridge, "type", "bridge");
            await RunAsync(network._switch, "ip", "link", "set", Bridge, "up");
            for (var host = 0; host < hosts; host++)
            {
                var holder = await HoldAsync($"host-{host}", holdFor);
                network._hosts.Add(holder);
                var port = $"port{host}";
                await RunAsync(network._switch, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", holder.ProgramPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                network._ports.Add(port);
                await RunAsync(network._switch, "ip", "link", "set", port, "master", Bridge, "up");
                await RunAsync(holder, "ip", "link", "set", "lo", "up");
                await RunAsync(holder, "ip", "address", "add", $"{network.Address(host)}/24", "dev", "eth0");
                await RunAsync(holder, "ip", "link", "set", "eth0", "up");
            }
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    /// <summary>Gets the IP address of host <paramref name="host"/>.</summary>
    /// <param name="host">The host's index, from 0.</param>
    /// <returns>The address, e.g. 10.77.0.1 for host 0.</returns>
    public string Address(int host) => $"{Subnet}.{host + 1}";

    /// <summary>Gets the command that runs a program inside host <paramref name="host"/>'s network namespace (it replaces itself with the program).</summary>
    /// <param name="host">The host's index, from 0.</param>
    /// <returns>The launcher for <see cref="NodeProcess.StartDotnet"/>.</returns>
    public IReadOnlyList<string> Enter(int host) => Enter(_hosts[host]);

    /// <summary>Unplugs host <paramref name="host"/>'s cable at the switch: its packets go nowhere, in both directions, and its own addresses stay up.</summary>
    /// <param name="host">The host's index, from 0.</param>
    /// <returns>A task that completes once the cable is unplugged.</returns>
    public Task CutAsync(int host) => RunAsync(_switch, "ip", "link", "set", _ports[host], "down");

    /// <summary>Plugs host <paramref name="host"/>'s cable back in.</summary>
    /// <param name="host">The host's index, from 0.</param>
    /// <returns>A task that completes once the cable is plugged in.</returns>
    public Task HealAsync(int host) => RunAsync(_switch, "ip", "link", "set", _ports[host], "up");

    /// <summary>
    /// Drops <paramref name="percent"/> % of the packets into and out of host <paramref name="host"/>, at random (nftables
    /// <c>numgen random</c> in its namespace; this kernel has no netem).
    /// </summary>
    /// <param name="host">The host's index, from 0.</param>
    /// <param name="percent">The share of packets to drop, 1 to 100.</param>
    /// <returns>A task that completes once the rules are in place.</returns>
    public async Task LoseAsync(int host, int percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var rule = $"numgen random mod 100 < {percent.ToString(System.Globalization.CultureInfo.InvariantCulture)} drop";
        await RunAsync(_hosts[host], "nft", "add table inet loss");
        await RunAsync(_hosts[host], "nft", "add chain inet loss in { type filter hook input priority 0 ; }");
        await RunAsync(_hosts[host], "nft", "add chain inet loss out { type filter hook output priority 0 ; }");
        await RunAsync(_hosts[host], "nft", $"add rule inet loss in {rule}");
        await RunAsync(_hosts[host], "nft", $"add rule inet loss out {rule}");
    }

    /// <summary>Stops dropping packets at host <paramref name="host"/>.</summary>
    /// <param name="host">The host's index, from 0.</param>
    /// <returns>A task that completes once the rules are gone.</returns>
    public Task StopLosingAsync(int host) => RunAsync(_hosts[host], "nft", "delete table inet loss");

    /// <summary>
    /// Partitions host <paramref name="host"/> from every other host, or only from <paramref name="from"/>, with an
    /// nftables drop table in its namespace: its link stays up, its packets to and from those hosts are silently
    /// dropped, as behind a broken switch port or a broken cable between two of them.
    /// </summary>
    /// <param name="host">The host's index, from 0.</param>
    /// <param name="from">The hosts it no longer reaches, nor they it; every other host when empty.</param>
    /// <returns>A task that completes once the host is cut off.</returns>
    public async Task PartitionAsync(int host, params int[] from)
    {
        ArgumentNullException.ThrowIfNull(from);
        var peers = from.Length == 0 ? $"{Subnet}.0/24" : $"{{ {string.Join(", ", from.Select(Address))} }}";
        await RunAsync(_hosts[host], "nft", "add table inet partition");
        await RunAsync(_hosts[host], "nft", "add chain inet partition in { type filter hook input priority -10 ; }");
        await RunAsync(_hosts[host], "nft", "add chain inet partition out { type filter hook output priority -10 ; }");
        await RunAsync(_hosts[host], "nft", $"add rule inet partition in ip saddr {peers} drop");
        await RunAsync(_hosts[host], "nft", $"add rule inet partition out ip daddr {peers} drop");
    }

    /// <summary>Ends the partition of host <paramref name="host"/>.</summary>
    /// <param name="host">The host's index, from 0.</param>
    /// <returns>A task that completes once the host's packets flow again.</returns>
    public Task EndPartitionAsync(int host) => RunAsync(_hosts[host], "nft", "delete table inet partition");

    /// <summary>Deletes the veths and the bridge, then stops every namespace's holder by PID.</summary>
    /// <returns>A task that completes when everything is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        // Deleting one end of a veth deletes both at once; a namespace that ends frees its devices only later.
        foreach (var link in _ports.Append(Bridge))
        {
            if (!_switch.HasExited)
            {
                await TryRunAsync(_switch, "ip", "link", "delete", link);
            }
        }

        foreach (var holder in _hosts)
        {
            await holder.DisposeAsync();
        }

        await _switch.DisposeAsync();
    }

    // The holder tells when unshare has made its namespace; nothing is run through it before, nor if the namespace
    // were this process's own.
    private static async Task<NodeProcess> HoldAsync(string name, TimeSpan lifetime)
    {
        var holder = NodeProcess.StartCommand($"netns-{name}", ["unshare", "--net", "--", "sh", "-c", "echo in a namespace of its own; exec cat"], lifetime: lifetime);
        try
        {
            await holder.WaitForLineAsync("in a namespace of its own", CommandTimeout);
            if (NetworkNamespace("self") == NetworkNamespace(holder.ProgramPid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                throw new InvalidOperationException($"{holder.Name} (PID {holder.ProgramPid}) is in the test's own network namespace.");
            }
        }
        catch
        {
            await holder.DisposeAsync();
            throw;
        }

        return holder;
    }

    private static string NetworkNamespace(string process) =>
        new FileInfo($"/proc/{process}/ns/net").LinkTarget
        ?? throw new InvalidOperationException($"/proc/{process}/ns/net is not a link.");

    private static IReadOnlyList<string> Enter(NodeProcess holder) =>
        ["nsenter", $"--target={holder.ProgramPid.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "--net", "--"];

    private static async Task RunAsync(NodeProcess holder, params string[] command)
    {
        var (exitCode, output) = await RunInAsync(holder, command);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', command)}' in {holder.Name} exited with code {exitCode}: {output}");
        }
    }

    private static async Task TryRunAsync(NodeProcess holder, params string[] command)
    {
        try
        {
            await RunInAsync(holder, command);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Cleaning up goes on; the namespace's end frees what is left.
        }
    }

    private static async Task<(int ExitCode, string Output)> RunInAsync(NodeProcess holder, string[] command)
    {
        if (holder.HasExited)
        {
            throw new InvalidOperationException($"{holder.Name} has exited: its network namespace is gone. Output:\n{holder.Output}");
        }

        await using var process = NodeProcess.StartCommand(command[0], [.. Enter(holder), .. command], lifetime: CommandTimeout);
        await process.WaitForExitAsync(CommandTimeout);
        return (process.ExitCode, process.Output);
    }
}
