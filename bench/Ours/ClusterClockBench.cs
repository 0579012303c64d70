using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.ClusterTime;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Bench.Support;

namespace Cluster.Bench.Ours;

/// <summary>
/// Three nodes following one clock source that runs as fast as possible: how many simulated seconds pass
/// per wall second, and how far the slowest follower trails the fastest at any moment.
/// </summary>
public sealed class ClusterClockBench : IBenchGroup
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public string Name => "cluster clock";

    private static async Task WaitForFollowersAsync(ClusterClock control, int count, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                if ((await control.GetStatusAsync(Timeout)).Followers.Length >= count)
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && Stopwatch.GetElapsedTime(started) < Timeout)
            {
                // The source announces itself to the nodes shortly after it starts.
            }

            if (Stopwatch.GetElapsedTime(started) > Timeout)
            {
                throw new TimeoutException($"{count} nodes were not following the clock source within {Timeout.TotalSeconds} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var config = ConfigurationFactory.ParseString("""
            cluster-node.clock.mode = follow
            cluster-node.devices.heartbeat-interval = 0s
            """).WithFallback(BenchConfig.Node(ClusterHocon.Host));
        await using var nodes = await ClusterNodes.StartAsync(3, config, context.CancellationToken);
        var clocks = Enumerable.Range(0, 3).Select(i => NodeClock.Get(nodes[i]).Clock).ToArray();
        var control = ClusterClock.Get(nodes[0]);
        nodes[0].ActorOf(Props.Create(() => new ClockSource(new ClockSourceSettings { Mode = ClockSourceMode.Pause })), "clock-source");
        await WaitForFollowersAsync(control, 3, context.CancellationToken);

        var window = context.Size == BenchSize.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);
        var startTime = clocks[0].Time;
        var started = Stopwatch.GetTimestamp();
        await control.RunAsync(0, Timeout);
        var maxLag = 0.0;
        while (Stopwatch.GetElapsedTime(started) < window)
        {
            // Read every node's clock at one moment: all three live in this process.
            var times = clocks.Select(c => c.Time).ToArray();
            maxLag = Math.Max(maxLag, times.Max() - times.Min());
            await Task.Delay(TimeSpan.FromMilliseconds(20), context.CancellationToken);
        }

        var endTime = clocks.Min(c => c.Time);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await control.PauseAsync(Timeout);
        return
        [
            new BenchRow("Cluster time, 3 nodes following a source running as fast as possible (10 ms per tick, lockstep): simulated s per wall s", "×", null, (endTime - startTime) / elapsed),
            new BenchRow("Cluster time, same run: largest lag of a follower behind the others, sampled every 20 ms", "ms", null, maxLag * 1000),
        ];
    }
}
