using Xunit;
using Xunit.Abstractions;
using static Cluster.Tests.EndToEnd.Faults.FaultCluster;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>
/// The link between two hosts breaks for 4 s while the Lighthouse still reaches both: what a lossy link does when TCP's
/// retransmissions stall, here made certain.
/// </summary>
public sealed class LinkStallSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(4);

    [Fact]
    public Task Two_hosts_that_cannot_reach_each_other_for_4_s_while_the_Lighthouse_reaches_both_stay_members_and_lose_no_message() =>
        RunAsync(2, output, async cluster =>
        {
            var (lighthouse, hosts) = await cluster.StartAllAsync();
            var (one, two) = (hosts[0], hosts[1]);

            var mark = (one: one.Lines.Count, two: two.Lines.Count);
            var cut = TimeProvider.System.GetUtcNow();
            await cluster.Network.PartitionAsync(2, 1);

            // Each host marks the other unreachable, longer than stable-after; the leader, the Lighthouse, reaches both.
            var unreachable = await cluster.WaitForMembershipAsync(one, "unreachable", 2, mark.one);
            await cluster.WaitForMembershipAsync(two, "unreachable", 1, mark.two);
            var (stalled1, _) = await WaitForStatsAsync(one, s => s.Time >= cut + Stall, mark.one);
            var (stalled2, _) = await WaitForStatsAsync(two, s => s.Time >= cut + Stall, mark.two);
            await cluster.Network.EndPartitionAsync(2);

            var reachable = await cluster.WaitForMembershipAsync(one, "reachable", 2, mark.one);
            await cluster.WaitForMembershipAsync(two, "reachable", 1, mark.two);
            var (last1, _) = await WaitForStatsAsync(one, s => s.Time >= reachable.AddSeconds(2) && s.Requests["load2"].Ok > stalled1.Requests["load2"].Ok, mark.one);
            var (last2, _) = await WaitForStatsAsync(two, s => s.Time >= reachable.AddSeconds(2) && s.Requests["load1"].Ok > stalled2.Requests["load1"].Ok, mark.two);

            // Nobody downed, every message delivered once the link is back (a request may wait out its deadline during the stall).
            Assert.DoesNotContain(one.Lines.Concat(two.Lines), l => l.Contains("membership downed", StringComparison.Ordinal));
            Assert.DoesNotContain(lighthouse.Lines, l => l.Contains("downing ", StringComparison.Ordinal));
            Assert.Equal(0, last1.Topics["load2"].Missing);
            Assert.Equal(0, last2.Topics["load1"].Missing);
            Assert.True(last1.Topics["load2"].Received > stalled1.Topics["load2"].Received && last2.Topics["load1"].Received > stalled2.Topics["load1"].Received);
            Assert.False(one.HasExited || two.HasExited || lighthouse.HasExited);

            output.WriteLine(
                $"profile {cluster.Profile}: link cut for {Stall.TotalSeconds:0} s -> unreachable {Ms(unreachable - cut)}, reachable again {Ms(reachable - cut)}, nobody downed; " +
                $"requests failed during the stall: {last1.Requests["load2"].Failed} and {last2.Requests["load1"].Failed}; {last1.Line}");
        });
}
