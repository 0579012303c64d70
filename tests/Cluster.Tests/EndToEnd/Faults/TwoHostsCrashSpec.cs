using Xunit;
using Xunit.Abstractions;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>A robot of two hosts and a Lighthouse loses the host with the lower address, the one a plain majority vote would keep.</summary>
public sealed class TwoHostsCrashSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Of_two_hosts_the_one_left_with_the_Lighthouse_keeps_running_when_the_host_with_the_lower_address_crashes()
    {
        await using var cluster = await FaultCluster.CreateAsync(2);
        try
        {
            var lighthouse = cluster.StartLighthouse();
            await lighthouse.WaitForLineAsync("cluster up:", Wait);
            var lower = cluster.StartHost(1, [2]);
            var survivor = cluster.StartHost(2, [1]);
            await FaultCluster.WaitForStatsAsync(survivor, s => s.Topics.TryGetValue("load1", out var t) && t.Received > 0 && s.Requests["load1"].Ok > 0, Wait);
            var mark = survivor.Lines.Count;

            lower.Kill();

            var removed = await FaultCluster.WaitForMembershipAsync(survivor, "removed", cluster.Endpoint(1), Wait, mark);
            var (before, _) = await FaultCluster.WaitForStatsAsync(survivor, s => s.Time >= removed, Wait, mark);
            var (after, _) = await FaultCluster.WaitForStatsAsync(survivor, s => s.Time >= before.Time.AddSeconds(2), Wait, mark);
            Assert.True(after.Published > before.Published, $"the surviving host's load stopped: {before} / {after}");
            Assert.DoesNotContain(survivor.Lines.Skip(mark), l => l.Contains($"membership downed {cluster.Endpoint(2)}", StringComparison.Ordinal) || l.Contains($"membership downed {cluster.Endpoint(0)}", StringComparison.Ordinal));
            Assert.False(survivor.HasExited || lighthouse.HasExited);
        }
        finally
        {
            cluster.WriteLog(output);
        }
    }
}
