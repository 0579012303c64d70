using Xunit;
using Xunit.Abstractions;
using static Cluster.Tests.EndToEnd.Faults.FaultCluster;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>A robot of two hosts and a Lighthouse loses the host with the lower address, the one a plain majority vote would keep.</summary>
public sealed class TwoHostsCrashSpec(ITestOutputHelper output)
{
    [Fact]
    public Task Of_two_hosts_the_one_left_with_the_Lighthouse_keeps_running_when_the_host_with_the_lower_address_crashes() =>
        RunAsync(2, output, async cluster =>
        {
            var (lighthouse, hosts) = await cluster.StartAllAsync();
            var (lower, survivor) = (hosts[0], hosts[1]);
            var mark = survivor.Lines.Count;

            lower.Kill();

            var removed = await cluster.WaitForMembershipAsync(survivor, "removed", 1, mark);
            var (before, _) = await WaitForStatsAsync(survivor, s => s.Time >= removed, mark);
            var (after, _) = await WaitForStatsAsync(survivor, s => s.Time >= before.Time.AddSeconds(2), mark);
            Assert.True(after.Published > before.Published, $"the surviving host's load stopped: {before} / {after}");
            Assert.DoesNotContain(survivor.Lines.Skip(mark), l => l.Contains(cluster.MembershipLine("downed", 2), StringComparison.Ordinal) || l.Contains(cluster.MembershipLine("downed", 0), StringComparison.Ordinal));
            Assert.False(survivor.HasExited || lighthouse.HasExited);
        });
}
