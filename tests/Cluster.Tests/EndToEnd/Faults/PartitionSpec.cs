using Xunit;
using Xunit.Abstractions;
using static Cluster.Tests.EndToEnd.Faults.FaultCluster;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>One of three hosts is cut off from everyone for 30 s under load, then the network heals and the host is restarted.</summary>
public sealed class PartitionSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Partition = TimeSpan.FromSeconds(30);

    [Fact]
    public Task A_host_cut_off_for_30_s_is_downed_by_the_majority_and_downs_itself_and_once_restarted_after_healing_it_rejoins() =>
        RunAsync(3, output, async cluster =>
        {
            var (lighthouse, hosts) = await cluster.StartAllAsync();
            var (one, two, cut) = (hosts[0], hosts[1], hosts[2]);

            var mark = (one: one.Lines.Count, two: two.Lines.Count, cut: cut.Lines.Count);
            var partitioned = TimeProvider.System.GetUtcNow();
            await cluster.Network.PartitionAsync(3);

            // The majority (two of three hosts) downs the cut-off host; the cut-off host, a minority, downs itself and exits.
            var removed = await cluster.WaitForMembershipAsync(one, "removed", 3, mark.one);
            await cluster.WaitForMembershipAsync(two, "removed", 3, mark.two);
            await cut.WaitForExitAsync(Wait);
            var exited = TimeProvider.System.GetUtcNow();

            // Never a split cluster: nobody on either side downed or removed a node of the other side but the cut-off host,
            // which downed itself (once down, its own shutdown removes every member from its view).
            var selfDowned = await cut.WaitForLineIndexAsync(cluster.MembershipLine("downed", 3), Wait, mark.cut);
            foreach (var other in new[] { 0, 1, 2 })
            {
                Assert.DoesNotContain(cut.Lines.Take(selfDowned).Skip(mark.cut), l => l.Contains(cluster.MembershipLine("downed", other), StringComparison.Ordinal) || l.Contains(cluster.MembershipLine("removed", other), StringComparison.Ordinal));
            }

            foreach (var (survivor, from) in new[] { (one, mark.one), (two, mark.two) })
            {
                Assert.DoesNotContain(survivor.Lines.Skip(from), l => l.Contains("membership downed", StringComparison.Ordinal) && !l.Contains(cluster.Endpoint(3), StringComparison.Ordinal));
            }

            // The partition lasts 30 s; the survivors' load between them goes on without a loss.
            var (last1, _) = await WaitForStatsAsync(one, s => s.Time >= partitioned + Partition, mark.one, Wait + Partition);
            var (last2, _) = await WaitForStatsAsync(two, s => s.Time >= partitioned + Partition, mark.two);
            last1.AssertNothingLostWith(2);
            last2.AssertNothingLostWith(1);

            // Healed and restarted (as systemd's Restart=on-failure would), the host rejoins and its agents reach the others.
            await cluster.Network.EndPartitionAsync(3);
            var healed = TimeProvider.System.GetUtcNow();
            mark.one = one.Lines.Count;
            var restarted = cluster.StartHost(3);
            var rejoined = await cluster.WaitForMembershipAsync(one, "up", 3, mark.one);
            await cluster.WaitUntilHearsOthersAsync(restarted, 3);
            var (back, _) = await WaitForStatsAsync(one, s => s.Hears(3), mark.one);
            Assert.False(one.HasExited || two.HasExited || lighthouse.HasExited);

            output.WriteLine(
                $"profile {cluster.Profile}: partition -> removed by the majority {Ms(removed - partitioned)}, cut-off host exited {Ms(exited - partitioned)} " +
                $"(exit code {cut.ExitCode}); heal + restart -> Up {Ms(rejoined - healed)}; survivors received {last1.Topics["load2"].Received} and {last2.Topics["load1"].Received} messages from each other, none missing; {back.Line}");
        });
}
