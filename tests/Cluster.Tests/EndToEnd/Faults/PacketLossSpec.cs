using Xunit;
using Xunit.Abstractions;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>One of two hosts loses 10 % of its packets, in and out, for 15 s under load.</summary>
public sealed class PacketLossSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Loss = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Under_10_percent_packet_loss_on_one_host_requests_and_topics_keep_working_without_a_loss_or_a_downing()
    {
        // The default profile (FAULT_TESTS_PROFILE measures another): the robot-lan one takes the TCP retransmissions
        // of a lossy link for a dead node (see docs/RELIABILITY.md).
        await using var cluster = await FaultCluster.CreateAsync(2, profile: System.Environment.GetEnvironmentVariable("FAULT_TESTS_PROFILE") is { Length: > 0 } chosen ? chosen : "default");
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
        var one = cluster.StartHost(1, [2]);
        var lossy = cluster.StartHost(2, [1]);
        var (clean, _) = await FaultCluster.WaitForStatsAsync(one, s => s.Topics.TryGetValue("load2", out var t) && t.Received > 0 && s.Requests["load2"].Ok > 0, Wait);
        await FaultCluster.WaitForStatsAsync(lossy, s => s.Topics.TryGetValue("load1", out var t) && t.Received > 0 && s.Requests["load1"].Ok > 0, Wait);
        var (before, _) = await FaultCluster.WaitForStatsAsync(one, s => s.Time >= clean.Time.AddSeconds(2), Wait);

        var mark = (one: one.Lines.Count, lossy: lossy.Lines.Count);
        var started = TimeProvider.System.GetUtcNow();
        await cluster.Network.LoseAsync(2, 10);
        var during = new List<LoadStats>();
        var from = mark.one;
        while (during.Count == 0 || during[^1].Time < started + Loss)
        {
            var (stats, index) = await FaultCluster.WaitForStatsAsync(one, _ => true, Wait, from);
            during.Add(stats);
            from = index + 1;
        }

        var (lossyDuring, _) = await FaultCluster.WaitForStatsAsync(lossy, s => s.Time >= started + Loss, Wait, mark.lossy);
        await cluster.Network.StopLosingAsync(2);

        var last = during[^1];
        Assert.True(last.Requests["load2"].Ok > before.Requests["load2"].Ok, $"no request was answered during the loss: {before} / {last}");
        Assert.True(last.Topics["load2"].Received > before.Topics["load2"].Received, $"no message arrived during the loss: {before} / {last}");
        Assert.True(lossyDuring.Requests["load1"].Ok > 0 && lossyDuring.Topics["load1"].Received > 0);
        Assert.Equal(0, last.Topics["load2"].Missing);
        Assert.Equal(0, lossyDuring.Topics["load1"].Missing);
        Assert.Equal(0, last.Requests["load2"].Failed + last.Requests["load2"].Unknown);
        Assert.Equal(0, lossyDuring.Requests["load1"].Failed + lossyDuring.Requests["load1"].Unknown);
        Assert.DoesNotContain(one.Lines.Concat(lossy.Lines), l => l.Contains("membership downed", StringComparison.Ordinal));
        Assert.False(one.HasExited || lossy.HasExited);

        var seconds = (last.Time - before.Time).TotalSeconds;
        output.WriteLine(
            $"profile {cluster.Profile}, 10 % loss for {Loss.TotalSeconds:0} s: requests load1 -> load2 {(last.Requests["load2"].Ok - before.Requests["load2"].Ok) / seconds:0}/s answered, " +
            $"per-second p50 {string.Join(" ", during.Select(s => s.Requests["load2"].P50))} ms, p99 {string.Join(" ", during.Select(s => s.Requests["load2"].P99))} ms, max {string.Join(" ", during.Select(s => s.Requests["load2"].Max))} ms " +
            $"(before: p50 {before.Requests["load2"].P50}, p99 {before.Requests["load2"].P99}); topic messages from load2 {(last.Topics["load2"].Received - before.Topics["load2"].Received) / seconds:0}/s, none missing; " +
            $"unreachable events: {one.Lines.Concat(lossy.Lines).Count(l => l.Contains("membership unreachable", StringComparison.Ordinal))}");
    }
}
