using Xunit;
using Xunit.Abstractions;
using static Cluster.Tests.EndToEnd.Faults.FaultCluster;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>
/// The Lighthouse of a cluster of one host dies, comes back while the host is cut off (two clusters, reported), and
/// comes back again on the same address: the host never stops, and the Lighthouse rejoins the host's cluster.
/// </summary>
public sealed class LighthouseLossSpec(ITestOutputHelper output)
{
    [Fact]
    public Task A_host_outlives_its_Lighthouse_and_a_Lighthouse_restarted_on_its_address_rejoins_the_hosts_cluster_so_new_hosts_join_it() =>
        RunAsync(2, output, async cluster =>
        {
            var lighthouse = await cluster.StartLighthouseAsync();
            var host1 = cluster.StartHost(1);
            await host1.WaitForLineAsync("cluster up:", Wait);
            await cluster.WaitForMembershipAsync(host1, "up", 0);
            await AwaitRememberedAsync(cluster, host1);

            // One Lighthouse and one host: the Lighthouse dies, the host downs it (only hosts vote) and keeps running its agents.
            var mark = host1.Lines.Count;
            var killed = TimeProvider.System.GetUtcNow();
            lighthouse.Kill();
            var removed = await cluster.WaitForMembershipAsync(host1, "removed", 0, mark);
            var (before, _) = await WaitForStatsAsync(host1, _ => true, mark);
            var (after, _) = await WaitForStatsAsync(host1, s => s.Time >= before.Time.AddSeconds(2), mark);
            Assert.True(after.Published > before.Published, $"host1's load stopped after its Lighthouse went: {before} / {after}");
            Assert.False(host1.HasExited, $"host1 exited when its Lighthouse died:\n{host1.Output}");
            Assert.DoesNotContain(host1.Lines.Skip(mark), l => l.Contains(cluster.MembershipLine("downed", 1), StringComparison.Ordinal));

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
            var rejoined = await cluster.WaitForMembershipAsync(host1, "up", 0, mark);
            await lighthouse.WaitForLineAsync("cluster up:", Wait);

            // A new host joins through it, into the one cluster: the two hosts' agents reach each other.
            var joining = TimeProvider.System.GetUtcNow();
            var host2 = cluster.StartHost(2);
            await cluster.WaitUntilHearsOthersAsync(host2, 2);
            var one = await cluster.WaitUntilHearsOthersAsync(host1, 1, mark);
            var joined = await cluster.WaitForMembershipAsync(host1, "up", 2, mark);
            Assert.False(host1.HasExited);

            output.WriteLine(
                $"profile {cluster.Profile}: Lighthouse SIGKILL -> removed by the host {Ms(removed - killed)}; " +
                $"restart -> Up in the host's cluster {Ms(rejoined - restarted)}; new host start -> Up {Ms(joined - joining)}; host1 published {one.Published} messages throughout");
        });

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
