namespace Cluster.Bench.Support;

/// <summary>Waits on conditions that no event announces, always with a deadline.</summary>
public static class Conditions
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    /// <param name="condition">The condition to wait for.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="what">What is awaited, for the error message.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>How long the condition took to hold.</returns>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static async Task<TimeSpan> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds:0.#} s.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return Stopwatch.GetElapsedTime(start);
    }
}
