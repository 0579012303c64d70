using Xunit;
using Xunit.Abstractions;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>
/// The Lighthouse of a cluster of one host dies, comes back while the host is cut off (two clusters, reported), and
/// comes back again on the same address: the host never stops, and the Lighthouse rejoins the host's cluster.
/// </summary>
public sealed class LighthouseLossSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_host_outlives_its_Lighthouse_and_a_Lighthouse_restarted_on_its_address_rejoins_the_hosts_cluster_so_new_hosts_join_it()
    {
        await using var cluster = await FaultCluster.CreateAsync(2);
        try
        {
            await RunAsync(cluster);
        }
        finally
        {
            cluster.WriteLog(output);
        }
    }

    private async Task RunAsync(FaultCluster cluster)
    {
        var lighthouse = cluster.StartLighthouse();
        await lighthouse.WaitForLineAsync("cluster up:", Wait);
        var host1 = cluster.StartHost(1, [2]);
        await host1.WaitForLineAsync("cluster up:", Wait);
        await FaultCluster.WaitForMembershipAsync(host1, "up", cluster.Endpoint(0), Wait);
        await AwaitRememberedAsync(cluster, host1);

        // One Lighthouse and one host: the Lighthouse dies, the host downs it (only hosts vote) and keeps running its agents.
        var mark = host1.Lines.Count;
        var killed = TimeProvider.System.GetUtcNow();
        lighthouse.Kill();
        var removed = await FaultCluster.WaitForMembershipAsync(host1, "removed", cluster.Endpoint(0), Wait, mark);
        var (before, _) = await FaultCluster.WaitForStatsAsync(host1, _ => true, Wait, mark);
        var (after, _) = await FaultCluster.WaitForStatsAsync(host1, s => s.Time >= before.Time.AddSeconds(2), Wait, mark);
        Assert.True(after.Published > before.Published, $"host1's load stopped after its Lighthouse went: {before} / {after}");
        Assert.False(host1.HasExited, $"host1 exited when its Lighthouse died:\n{host1.Output}");
        Assert.DoesNotContain(host1.Lines.Skip(mark), l => l.Contains($"membership downed {cluster.Endpoint(1)}", StringComparison.Ordinal));

        // Restarted while it cannot reach the host, the Lighthouse forms a cluster of its own; once it can, it says so loudly.
        await cluster.Network.PartitionAsync(1);
        lighthouse = cluster.StartLighthouse();
        await lighthouse.WaitForLineAsync($"remembered members, asked before forming a new cluster: {cluster.Endpoint(1)}", Wait);
        await lighthouse.WaitForLineAsync("cluster up:", Wait);
        await cluster.Network.EndPartitionAsync(1);
        var warning = await lighthouse.WaitForLineAsync("TWO CLUSTERS", Wait);
        Assert.Contains(cluster.Endpoint(1), warning, StringComparison.Ordinal);
        lighthouse.Kill();

        // Restarted where it reaches the host, it joins the host's cluster instead of forming one.
        mark = host1.Lines.Count;
        var restarted = TimeProvider.System.GetUtcNow();
        lighthouse = cluster.StartLighthouse();
        var rejoined = await FaultCluster.WaitForMembershipAsync(host1, "up", cluster.Endpoint(0), Wait, mark);
        await lighthouse.WaitForLineAsync("cluster up:", Wait);

        // A new host joins through it, into the one cluster: the two hosts' agents reach each other.
        var joining = TimeProvider.System.GetUtcNow();
        var host2 = cluster.StartHost(2, [1]);
        await FaultCluster.WaitForStatsAsync(host2, s => s.Topics.TryGetValue("load1", out var t) && t.Received > 0 && s.Requests["load1"].Ok > 0, Wait);
        var (one, _) = await FaultCluster.WaitForStatsAsync(host1, s => s.Topics.TryGetValue("load2", out var t) && t.Received > 0 && s.Requests["load2"].Ok > 0, Wait, mark);
        var joined = await FaultCluster.WaitForMembershipAsync(host1, "up", cluster.Endpoint(2), Wait, mark);
        Assert.False(host1.HasExited);

        output.WriteLine(
            $"profile {cluster.Profile}: Lighthouse SIGKILL -> removed by the host {(removed - killed).TotalMilliseconds:0} ms; " +
            $"restart -> Up in the host's cluster {(rejoined - restarted).TotalMilliseconds:0} ms; new host start -> Up {(joined - joining).TotalMilliseconds:0} ms; host1 published {one.Published} messages throughout");
    }

    private static async Task AwaitRememberedAsync(FaultCluster cluster, NodeProcess host)
    {
        using var deadline = new CancellationTokenSource(Wait);
        while (!File.Exists(cluster.MembersFile) || !(await File.ReadAllTextAsync(cluster.MembersFile, deadline.Token)).Contains(cluster.Endpoint(1), StringComparison.Ordinal))
        {
            // The file is written when the Lighthouse sees the host Up, which the host has already seen itself.
            await host.WaitForLineIndexAsync("stats t=", Wait, host.Lines.Count).WaitAsync(deadline.Token);
        }
    }
}
