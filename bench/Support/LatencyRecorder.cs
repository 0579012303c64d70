namespace Cluster.Bench.Support;

/// <summary>
/// Collects latencies as <see cref="Stopwatch"/> ticks into a preallocated array, so recording allocates
/// nothing while a measurement runs, and reports percentiles in microseconds.
/// </summary>
/// <param name="capacity">The number of samples to be recorded.</param>
public sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    /// <summary>Gets the number of samples recorded.</summary>
    public int Count => _count;

    /// <summary>Records one latency.</summary>
    /// <param name="elapsedTicks">The latency in <see cref="Stopwatch"/> ticks.</param>
    /// <exception cref="InvalidOperationException">The recorder is full.</exception>
    public void Record(long elapsedTicks)
    {
        if (_count == _ticks.Length)
        {
            throw new InvalidOperationException($"The recorder holds {_ticks.Length} samples only.");
        }

        _ticks[_count++] = elapsedTicks;
    }

    /// <summary>Gets a percentile of the recorded samples by the nearest-rank method.</summary>
    /// <param name="percentile">The percentile, above 0 and at most 100, e.g. 99.</param>
    /// <returns>The latency in microseconds.</returns>
    /// <exception cref="InvalidOperationException">Nothing was recorded.</exception>
    public double Microseconds(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (_count == 0)
        {
            throw new InvalidOperationException("No latency was recorded.");
        }

        var sorted = _ticks[.._count];
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percentile / 100 * _count);
        return sorted[Math.Max(rank, 1) - 1] * 1_000_000.0 / Stopwatch.Frequency;
    }
}
