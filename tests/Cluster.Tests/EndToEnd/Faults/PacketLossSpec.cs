using System.Globalization;
using Xunit;
using Xunit.Abstractions;
using static Cluster.Tests.EndToEnd.Faults.FaultCluster;

namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>One of two hosts loses 10 % of its packets, in and out, for 15 s under load.</summary>
public sealed class PacketLossSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Loss = TimeSpan.FromSeconds(15);

    [Fact]
    public Task Under_10_percent_packet_loss_on_one_host_requests_and_topics_keep_working_without_a_loss_or_a_downing() =>
        RunAsync(2, output, async cluster =>
        {
            var (lighthouse, hosts) = await cluster.StartAllAsync();
            var (one, lossy) = (hosts[0], hosts[1]);
            var (before, _) = await WaitForStatsAsync(one, s => s.Hears(2), one.Lines.Count);

            var mark = (one: one.Lines.Count, lossy: lossy.Lines.Count);
            var started = TimeProvider.System.GetUtcNow();
            await cluster.Network.LoseAsync(2, 10);
            var during = new List<LoadStats>();
            var from = mark.one;
            while (during.Count == 0 || during[^1].Time < started + Loss)
            {
                var (stats, index) = await WaitForStatsAsync(one, _ => true, from);
                during.Add(stats);
                from = index + 1;
            }

            var (lossyDuring, _) = await WaitForStatsAsync(lossy, s => s.Time >= started + Loss, mark.lossy);
            await cluster.Network.StopLosingAsync(2);

            // A lossy link stalls for TCP's retransmissions, sometimes long enough for the failure detector to mark the two
            // hosts unreachable from each other; the Lighthouse still reaches both, so nobody is downed for it.
            var last = during[^1];
            Assert.True(last.Requests["load2"].Ok > before.Requests["load2"].Ok, $"no request was answered during the loss: {before} / {last}");
            Assert.True(last.Topics["load2"].Received > before.Topics["load2"].Received, $"no message arrived during the loss: {before} / {last}");
            Assert.True(lossyDuring.Requests["load1"].Ok > 0 && lossyDuring.Topics["load1"].Received > 0);
            last.AssertNothingLostWith(2);
            lossyDuring.AssertNothingLostWith(1);
            Assert.DoesNotContain(one.Lines.Concat(lossy.Lines), l => l.Contains("membership downed", StringComparison.Ordinal));
            Assert.DoesNotContain(lighthouse.Lines, l => l.Contains("downing ", StringComparison.Ordinal));
            Assert.False(one.HasExited || lossy.HasExited || lighthouse.HasExited);

            var seconds = (last.Time - before.Time).TotalSeconds;
            var unreachable = one.Lines.Skip(mark.one).Concat(lossy.Lines.Skip(mark.lossy)).Where(l => l.Contains("membership unreachable", StringComparison.Ordinal)).ToList();
            output.WriteLine(
                $"profile {cluster.Profile}, 10 % loss for {Loss.TotalSeconds:0} s: requests load1 -> load2 {(last.Requests["load2"].Ok - before.Requests["load2"].Ok) / seconds:0}/s answered; " +
                $"per-second p50 median {Median(during.Select(s => s.Requests["load2"].P50))}, p99 median {Median(during.Select(s => s.Requests["load2"].P99))}, " +
                $"worst {Max(during.Select(s => s.Requests["load2"].Max))} (before: p50 {before.Requests["load2"].P50}, p99 {before.Requests["load2"].P99}); " +
                $"topic messages from load2 {(last.Topics["load2"].Received - before.Topics["load2"].Received) / seconds:0}/s, none missing; unreachable events: {unreachable.Count}");
            output.WriteLine($"per-second p50 {string.Join(" ", during.Select(s => s.Requests["load2"].P50))} ms");
            output.WriteLine($"per-second p99 {string.Join(" ", during.Select(s => s.Requests["load2"].P99))} ms");
            unreachable.ForEach(output.WriteLine);
        });

    // A second in which no request was answered prints "-": it counts as slower than any answered one.
    private static double[] Sorted(IEnumerable<string> figures) =>
        [.. figures.Select(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) ? ms : double.PositiveInfinity).Order()];

    private static string Median(IEnumerable<string> figures) => Sorted(figures) is { Length: > 0 } sorted ? Format(sorted[sorted.Length / 2]) : "-";

    private static string Max(IEnumerable<string> figures) => Sorted(figures) is { Length: > 0 } sorted ? Format(sorted[^1]) : "-";

    private static string Format(double ms) => double.IsPositiveInfinity(ms) ? "a second unanswered" : ms.ToString("0.0 ms", CultureInfo.InvariantCulture);
}
