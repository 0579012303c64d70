using Xunit;
using Xunit.Abstractions;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>One of three hosts is cut off from everyone for 30 s under load, then the network heals and the host is restarted.</summary>
public sealed class PartitionSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Partition = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_host_cut_off_for_30_s_is_downed_by_the_majority_and_downs_itself_and_once_restarted_after_healing_it_rejoins()
    {
        await using var cluster = await FaultCluster.CreateAsync(3);
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
        var hosts = Enumerable.Range(1, 3).Select(h => cluster.StartHost(h, Enumerable.Range(1, 3).Where(p => p != h))).ToArray();
        var (one, two, cut) = (hosts[0], hosts[1], hosts[2]);
        for (var h = 0; h < 3; h++)
        {
            var self = h + 1;
            await FaultCluster.WaitForStatsAsync(
                hosts[h],
                s => Enumerable.Range(1, 3).Where(p => p != self).All(p => s.Topics.TryGetValue($"load{p}", out var t) && t.Received > 0 && s.Requests[$"load{p}"].Ok > 0),
                Wait);
        }

        var mark = (one: one.Lines.Count, two: two.Lines.Count, cut: cut.Lines.Count);
        var partitioned = TimeProvider.System.GetUtcNow();
        await cluster.Network.PartitionAsync(3);

        // The majority (two of three hosts) downs the cut-off host; the cut-off host, a minority, downs itself and exits.
        var removed = await FaultCluster.WaitForMembershipAsync(one, "removed", cluster.Endpoint(3), Wait, mark.one);
        await FaultCluster.WaitForMembershipAsync(two, "removed", cluster.Endpoint(3), Wait, mark.two);
        await cut.WaitForExitAsync(Wait);
        var exited = TimeProvider.System.GetUtcNow();

        // Never a split cluster: nobody on either side downed or removed a node of the other side but the cut-off host,
        // which downed itself (once down, its own shutdown removes every member from its view).
        var selfDowned = await cut.WaitForLineIndexAsync($"membership downed {cluster.Endpoint(3)} ", Wait, mark.cut);
        foreach (var other in new[] { 0, 1, 2 })
        {
            Assert.DoesNotContain(cut.Lines.Take(selfDowned).Skip(mark.cut), l => l.Contains($"membership downed {cluster.Endpoint(other)}", StringComparison.Ordinal) || l.Contains($"membership removed {cluster.Endpoint(other)}", StringComparison.Ordinal));
        }

        foreach (var (survivor, from) in new[] { (one, mark.one), (two, mark.two) })
        {
            Assert.DoesNotContain(survivor.Lines.Skip(from), l => l.Contains("membership downed", StringComparison.Ordinal) && !l.Contains(cluster.Endpoint(3), StringComparison.Ordinal));
        }

        // The partition lasts 30 s; the survivors' load between them goes on without a loss.
        var (last1, _) = await FaultCluster.WaitForStatsAsync(one, s => s.Time >= partitioned + Partition, Wait + Partition, mark.one);
        var (last2, _) = await FaultCluster.WaitForStatsAsync(two, s => s.Time >= partitioned + Partition, Wait, mark.two);
        Assert.Equal(0, last1.Topics["load2"].Missing);
        Assert.Equal(0, last2.Topics["load1"].Missing);
        Assert.Equal(0, last1.Requests["load2"].Failed + last1.Requests["load2"].Unknown);
        Assert.Equal(0, last2.Requests["load1"].Failed + last2.Requests["load1"].Unknown);

        // Healed and restarted (as systemd's Restart=on-failure would), the host rejoins and its agents reach the others.
        await cluster.Network.EndPartitionAsync(3);
        var healed = TimeProvider.System.GetUtcNow();
        mark.one = one.Lines.Count;
        var restarted = cluster.StartHost(3, [1, 2]);
        var rejoined = await FaultCluster.WaitForMembershipAsync(one, "up", cluster.Endpoint(3), Wait, mark.one);
        await FaultCluster.WaitForStatsAsync(
            restarted,
            s => new[] { 1, 2 }.All(p => s.Topics.TryGetValue($"load{p}", out var t) && t.Received > 0 && s.Requests[$"load{p}"].Ok > 0),
            Wait);
        var (back, _) = await FaultCluster.WaitForStatsAsync(one, s => s.Topics["load3"].Received > 0 && s.Requests["load3"].Ok > 0, Wait, mark.one);
        Assert.False(one.HasExited || two.HasExited || lighthouse.HasExited);

        output.WriteLine(
            $"profile {cluster.Profile}: partition -> removed by the majority {(removed - partitioned).TotalMilliseconds:0} ms, cut-off host exited {(exited - partitioned).TotalMilliseconds:0} ms " +
            $"(exit code {cut.ExitCode}); heal + restart -> Up {(rejoined - healed).TotalMilliseconds:0} ms; survivors received {last1.Topics["load2"].Received} and {last2.Topics["load1"].Received} messages from each other, none missing; {back.Line}");
    }
}
