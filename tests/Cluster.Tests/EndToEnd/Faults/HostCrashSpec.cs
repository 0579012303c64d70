using Xunit;
using Xunit.Abstractions;
using static Cluster.Tests.EndToEnd.Faults.FaultCluster;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>
/// One of three hosts, each in a network namespace of its own, is killed with SIGKILL under a 1 kHz topic load and a request
/// load; each host owns a state the others observe.
/// </summary>
public sealed class HostCrashSpec(ITestOutputHelper output)
{
    [Fact]
    public Task Killing_one_of_three_hosts_loses_nothing_between_the_survivors_fails_its_held_requests_once_it_is_downed_and_turns_its_state_Unknown_on_both() =>
        RunAsync(3, output, async cluster =>
        {
            var (lighthouse, hosts) = await cluster.StartAllAsync();
            var (one, two, victim) = (hosts[0], hosts[1], hosts[2]);

            const string VictimState = "state /fault/load3/alive";
            await one.WaitForLineAsync($"{VictimState} known", Wait);
            await two.WaitForLineAsync($"{VictimState} known", Wait);

            var mark = (one: one.Lines.Count, two: two.Lines.Count);
            var killed = TimeProvider.System.GetUtcNow();
            victim.Kill();

            var downed = await cluster.WaitForMembershipAsync(one, "downed", 3, mark.one);
            var removed = await cluster.WaitForMembershipAsync(one, "removed", 3, mark.one);
            var held = await one.WaitForLineAsync("held request to hold3 failed", Wait, mark.one);
            var (gone, _) = await WaitForStatsAsync(one, s => s.Requests["load3"].UnknownSince > 0, mark.one);
            var stateUnknown = (one: TimeOf(await one.WaitForLineAsync($"{VictimState} Unknown", Wait, mark.one)), two: TimeOf(await two.WaitForLineAsync($"{VictimState} Unknown", Wait, mark.two)));

            // The request held open at the dead host failed naming its target and node, and not before the node was seen
            // unreachable. (The downing itself reaches the call watcher and the membership logger at once, in either order.)
            var unreachable = await cluster.WaitForMembershipAsync(one, "unreachable", 3, mark.one);
            Assert.Contains("TargetTerminatedException", held, StringComparison.Ordinal);
            Assert.Contains("'hold3'", held, StringComparison.Ordinal);
            Assert.Contains(cluster.Network.Address(3), held, StringComparison.Ordinal);
            var heldFailed = TimeOf(held);
            Assert.True(heldFailed >= unreachable, $"the held request failed at {heldFailed:HH:mm:ss.fff}, before the node was seen unreachable at {unreachable:HH:mm:ss.fff}: {held}");

            // Two more seconds of load between the survivors after the removal: not one message lost either way.
            var (last1, _) = await WaitForStatsAsync(one, s => s.Time >= removed.AddSeconds(2), mark.one);
            var (last2, _) = await WaitForStatsAsync(two, s => s.Time >= removed.AddSeconds(2), mark.two);
            last1.AssertNothingLostWith(2);
            last2.AssertNothingLostWith(1);
            Assert.True(last1.Topics["load2"].Received > 0 && last2.Topics["load1"].Received > 0);
            Assert.False(one.HasExited || two.HasExited || lighthouse.HasExited);

            output.WriteLine(
                $"profile {cluster.Profile}: SIGKILL -> unreachable {Ms(unreachable - killed)}, downed {Ms(downed - killed)}, removed {Ms(removed - killed)}, " +
                $"held request failed {Ms(heldFailed - killed)} ({Ms(heldFailed - downed)} after downed), names gone {Ms(DateTimeOffset.FromUnixTimeMilliseconds(gone.Requests["load3"].UnknownSince) - killed)}, " +
                $"its state Unknown on the survivors {Ms(stateUnknown.one - killed)} and {Ms(stateUnknown.two - killed)}; " +
                $"survivors received {last1.Topics["load2"].Received} and {last2.Topics["load1"].Received} messages from each other, none missing");
            output.WriteLine(last1.Line);
        });
}
