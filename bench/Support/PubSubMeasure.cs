using Cluster.Bench.Baselines;

namespace Cluster.Bench.Support;

/// <summary>The pub-sub measurements, the same for every <see cref="IPubSubPath"/>.</summary>
public static class PubSubMeasure
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Publishes <paramref name="count"/> <see cref="Counted"/> messages, at most the handoff's window ahead
    /// of the subscriber, and times them until the subscriber receives the last one.
    /// </summary>
    /// <param name="path">The path to measure.</param>
    /// <param name="count">The number of messages; a multiple of <see cref="PubSubHandoff.CreditBatch"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>
    /// Messages per second, and the CPU time the whole process spent per message meanwhile: both nodes, every thread,
    /// so the work a path costs, which other load on the machine hardly changes.
    /// </returns>
    public static async Task<(double Rate, double CpuMicroseconds)> ThroughputAsync(IPubSubPath path, int count, CancellationToken cancellationToken)
    {
        if (count % PubSubHandoff.CreditBatch != 0)
        {
            throw new ArgumentException($"The message count must be a multiple of {PubSubHandoff.CreditBatch}.", nameof(count));
        }

        var handoff = path.Handoff;
        var cpuStart = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < count; sent += PubSubHandoff.CreditBatch)
        {
            if (!await handoff.Credits.WaitAsync(StepTimeout, cancellationToken))
            {
                throw new TimeoutException($"The subscriber stayed {handoff.Window:N0} messages behind for {StepTimeout.TotalSeconds:0} s after {sent:N0} of {count:N0} were published.");
            }

            for (var i = sent; i < sent + PubSubHandoff.CreditBatch; i++)
            {
                path.Publish(new Counted(i, Last: i == count - 1));
            }
        }

        var (received, end) = await handoff.Runs.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(StepTimeout, cancellationToken);
        var cpu = Environment.CpuUsage.TotalTime - cpuStart;
        if (received != count)
        {
            throw new InvalidOperationException($"The subscriber received {received:N0} of {count:N0} messages.");
        }

        return (Stats.Rate(count, start, end), cpu.TotalMicroseconds / count);
    }

    /// <summary>
    /// Publishes <paramref name="count"/> <see cref="Timed"/> messages one at a time, each once the previous
    /// one has arrived, and records the one-way latency of each into <paramref name="recorder"/> if given.
    /// </summary>
    /// <param name="path">The path to measure.</param>
    /// <param name="count">The number of messages.</param>
    /// <param name="recorder">Where to record the latencies, or <see langword="null"/> for a warm-up.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>A task that completes when every message has arrived.</returns>
    public static async Task LatencyAsync(IPubSubPath path, int count, LatencyRecorder? recorder, CancellationToken cancellationToken)
    {
        var latencies = path.Handoff.Latencies.Reader;
        for (var i = 0; i < count; i++)
        {
            path.Publish(new Timed(Stopwatch.GetTimestamp()));
            var elapsed = await latencies.ReadAsync(cancellationToken).AsTask().WaitAsync(StepTimeout, cancellationToken);
            recorder?.Record(elapsed);
        }
    }
}
