namespace Cluster.Bench.Support;

/// <summary>Small statistics over repeated runs.</summary>
public static class Stats
{
    /// <summary>Gets the median; with an even count, the mean of the two middle values.</summary>
    /// <param name="values">The values, at least one.</param>
    /// <returns>The median.</returns>
    public static double Median(IReadOnlyCollection<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Gets a rate in messages per second.</summary>
    /// <param name="messages">The messages handled.</param>
    /// <param name="startTimestamp">The <see cref="Stopwatch.GetTimestamp"/> before the first message.</param>
    /// <param name="endTimestamp">The <see cref="Stopwatch.GetTimestamp"/> after the last message.</param>
    /// <returns>Messages per second.</returns>
    public static double Rate(long messages, long startTimestamp, long endTimestamp) =>
        messages / Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalSeconds;
}
