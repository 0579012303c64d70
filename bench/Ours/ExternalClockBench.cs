using Cluster.Agents.Core.Clocks;
using Cluster.Bench.Support;

namespace Cluster.Bench.Ours;

/// <summary>
/// Simulated time on an <see cref="ExternalClock"/>: one hour of periodic tasks advanced as fast as the machine
/// allows. Akka's scheduler cannot run simulated time, so the reference is the floor: a plain
/// <see cref="PriorityQueue{TElement, TPriority}"/> loop that fires the same ticks at the same steps, with no
/// locks, no handles and no allocation per firing. The two take turns run by run.
/// </summary>
public sealed class ExternalClockBench : IBenchGroup
{
    private const int Tasks = 100;
    private const double Period = 0.1;
    private const int TicksPerTask = 36_000;
    private const int Firings = Tasks * TicksPerTask;
    private const double SimulatedSeconds = TicksPerTask * Period;

    private static readonly DateTimeOffset Epoch = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public string Name => "external clock";

    /// <inheritdoc />
    public Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        // Steps are whole numbers of periods, so every step lands exactly on a due time: no tick waits for the next step.
        (string Label, int TicksPerStep)[] stepSizes = [("SetTime every 0.1 s", 1), ("SetTime every 10 s", 100)];
        var runs = context.Size.ClockRuns;
        var rows = new List<BenchRow>();
        foreach (var (label, ticksPerStep) in stepSizes)
        {
            // One run each first, so the JIT has reached its optimised tier before anything is recorded.
            RunExternalClock(ticksPerStep);
            RunPriorityQueue(ticksPerStep);
            var ours = new List<double>();
            var floor = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                ours.Add(RunExternalClock(ticksPerStep).TotalMilliseconds);
                floor.Add(RunPriorityQueue(ticksPerStep).TotalMilliseconds);
            }

            var name = $"ExternalClock, 1 simulated hour of {Tasks} periodic tasks at 10 Hz ({Firings:N0} firings), {label}";
            var runsAndFloor = $"median of {runs}; raw column: plain PriorityQueue loop, same firings";
            rows.Add(new BenchRow($"{name}, wall time ({runsAndFloor})", "ms", Stats.Median(floor), Stats.Median(ours)));
            rows.Add(new BenchRow($"{name}, simulated ÷ wall time ({runsAndFloor})", "×", SimulatedSeconds * 1000 / Stats.Median(floor), SimulatedSeconds * 1000 / Stats.Median(ours)));
        }

        return Task.FromResult<IReadOnlyList<BenchRow>>(rows);
    }

    private static TimeSpan RunExternalClock(int ticksPerStep)
    {
        var clock = new ExternalClock(Epoch);
        var fired = 0;
        var timers = new IClockTimer[Tasks];
        for (var i = 0; i < Tasks; i++)
        {
            timers[i] = clock.Every(TimeSpan.FromSeconds(Period), () => fired++, e => throw new InvalidOperationException("A tick cannot fail.", e));
        }

        var start = Stopwatch.GetTimestamp();
        for (var tick = ticksPerStep; tick <= TicksPerTask; tick += ticksPerStep)
        {
            clock.SetTime(tick * Period);
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        foreach (var timer in timers)
        {
            timer.Cancel();
        }

        return Check(fired, elapsed);
    }

    // The floor: the same due times (the n-th tick of a task at n × period), the same order, the same tick delegate.
    private static TimeSpan RunPriorityQueue(int ticksPerStep)
    {
        var fired = 0;
        Action tick = () => fired++;
        var counts = new long[Tasks];
        var queue = new PriorityQueue<int, (double Due, long Seq)>(Tasks);
        long sequence = 0;
        for (var i = 0; i < Tasks; i++)
        {
            queue.Enqueue(i, (++counts[i] * Period, sequence++));
        }

        var start = Stopwatch.GetTimestamp();
        for (var step = ticksPerStep; step <= TicksPerTask; step += ticksPerStep)
        {
            var t = step * Period;
            while (queue.TryPeek(out var task, out var priority) && priority.Due <= t)
            {
                queue.Dequeue();
                tick();
                queue.Enqueue(task, (++counts[task] * Period, sequence++));
            }
        }

        return Check(fired, Stopwatch.GetElapsedTime(start));
    }

    private static TimeSpan Check(int fired, TimeSpan elapsed) =>
        fired == Firings ? elapsed : throw new InvalidOperationException($"{fired:N0} ticks fired instead of {Firings:N0}.");
}
