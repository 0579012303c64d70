namespace Cluster.Agents.Paths;

/// <summary>How a <see cref="SerialTaskRunner"/> runs its tasks (ESHET's <c>RunSerially</c> options).</summary>
public sealed record SerialTaskOptions
{
    /// <summary>Gets a value indicating whether only the latest of the waiting tasks runs, the others skipped (for idempotent tasks).</summary>
    /// <value>The default is false.</value>
    public bool OnlyLatest { get; init; }

    /// <summary>Gets a value indicating whether a failed task is retried, with a delay that starts at <see cref="RetryStart"/> and grows by <see cref="RetryMultiplier"/> up to <see cref="RetryEnd"/>.</summary>
    /// <value>The default is false.</value>
    public bool Retry { get; init; }

    /// <summary>Gets a value indicating whether a task counts as failed even when it succeeds, so it repeats until a newer one replaces it (for unreliable media); needs <see cref="Retry"/> and <see cref="OnlyLatest"/>.</summary>
    /// <value>The default is false.</value>
    public bool AssumeFailed { get; init; }

    /// <summary>Gets the first delay before a retry, on the node's clock.</summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan RetryStart { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the longest delay between retries.</summary>
    /// <value>The default is 30 s.</value>
    public TimeSpan RetryEnd { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the factor by which the delay grows after each retry.</summary>
    /// <value>The default is 2.</value>
    public double RetryMultiplier { get; init; } = 2.0;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range or <see cref="AssumeFailed"/> lacks <see cref="Retry"/> and <see cref="OnlyLatest"/>; the message names it.</exception>
    public void Validate()
    {
        if (AssumeFailed && !(Retry && OnlyLatest))
        {
            throw new ArgumentException($"{nameof(AssumeFailed)} needs {nameof(Retry)} and {nameof(OnlyLatest)}: a task assumed failed repeats until a newer one replaces it.");
        }

        if (RetryStart <= TimeSpan.Zero || RetryEnd < RetryStart)
        {
            throw new ArgumentException($"{nameof(RetryStart)} must be positive and {nameof(RetryEnd)} at least {nameof(RetryStart)}; they were {RetryStart} and {RetryEnd}.");
        }

        if (!(RetryMultiplier >= 1) || double.IsInfinity(RetryMultiplier))
        {
            throw new ArgumentException($"{nameof(RetryMultiplier)} must be at least 1; it was {RetryMultiplier}.");
        }
    }
}
