using Xunit;
using Xunit.Abstractions;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>One of three hosts, each in a network namespace of its own, is killed with SIGKILL under a 1 kHz topic load and a request load.</summary>
public sealed class HostCrashSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_one_of_three_hosts_loses_nothing_between_the_survivors_and_fails_its_held_requests_once_it_is_downed()
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
        await using var lighthouse = cluster.StartLighthouse();
        await lighthouse.WaitForLineAsync("cluster up:", Wait);
        var hosts = Enumerable.Range(1, 3).Select(h => cluster.StartHost(h, Enumerable.Range(1, 3).Where(p => p != h))).ToArray();
        var (one, two, victim) = (hosts[0], hosts[1], hosts[2]);

        // Everything flows: each survivor hears both others and has answers from both.
        foreach (var (survivor, self) in new[] { (one, 1), (two, 2) })
        {
            await FaultCluster.WaitForStatsAsync(
                survivor,
                s => Enumerable.Range(1, 3).Where(p => p != self).All(p => s.Topics.TryGetValue($"load{p}", out var t) && t.Received > 0 && s.Requests[$"load{p}"].Ok > 0),
                Wait);
        }

        var beforeKill = (one: one.Lines.Count, two: two.Lines.Count);
        var killed = TimeProvider.System.GetUtcNow();
        victim.Kill();

        var dead = cluster.Endpoint(3);
        var downed = await FaultCluster.WaitForMembershipAsync(one, "downed", dead, Wait, beforeKill.one);
        var removed = await FaultCluster.WaitForMembershipAsync(one, "removed", dead, Wait, beforeKill.one);
        var held = await one.WaitForLineAsync("held request to hold3 failed", Wait, beforeKill.one);
        var (gone, _) = await FaultCluster.WaitForStatsAsync(one, s => s.Requests["load3"].UnknownSince > 0, Wait, beforeKill.one);

        // The request held open at the dead host failed naming its target and node, and not before the node was seen
        // unreachable. (The downing itself reaches the call watcher and the membership logger at once, in either order.)
        var unreachable = await FaultCluster.WaitForMembershipAsync(one, "unreachable", dead, Wait, beforeKill.one);
        Assert.Contains("TargetTerminatedException", held, StringComparison.Ordinal);
        Assert.Contains("'hold3'", held, StringComparison.Ordinal);
        Assert.Contains(cluster.Network.Address(3), held, StringComparison.Ordinal);
        var heldFailed = FaultCluster.TimeOf(held);
        Assert.True(heldFailed >= unreachable, $"the held request failed at {heldFailed:HH:mm:ss.fff}, before the node was seen unreachable at {unreachable:HH:mm:ss.fff}: {held}");

        // Two more seconds of load between the survivors after the removal: not one message lost either way.
        var (last1, _) = await FaultCluster.WaitForStatsAsync(one, s => s.Time >= removed.AddSeconds(2), Wait, beforeKill.one);
        var (last2, _) = await FaultCluster.WaitForStatsAsync(two, s => s.Time >= removed.AddSeconds(2), Wait, beforeKill.two);
        Assert.Equal(0, last1.Topics["load2"].Missing);
        Assert.Equal(0, last2.Topics["load1"].Missing);
        Assert.True(last1.Topics["load2"].Received > 0 && last2.Topics["load1"].Received > 0);
        Assert.Equal(0, last1.Requests["load2"].Failed + last1.Requests["load2"].Unknown);
        Assert.Equal(0, last2.Requests["load1"].Failed + last2.Requests["load1"].Unknown);
        Assert.False(one.HasExited || two.HasExited || lighthouse.HasExited);

        output.WriteLine(
            $"profile {cluster.Profile}: SIGKILL -> unreachable {Ms(unreachable - killed)}, downed {Ms(downed - killed)}, removed {Ms(removed - killed)}, " +
            $"held request failed {Ms(heldFailed - killed)} ({Ms(heldFailed - downed)} after downed), names gone {Ms(DateTimeOffset.FromUnixTimeMilliseconds(gone.Requests["load3"].UnknownSince) - killed)}; " +
            $"survivors received {last1.Topics["load2"].Received} and {last2.Topics["load1"].Received} messages from each other, none missing");
        output.WriteLine(last1.Line);
    }

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0} ms";
}
