namespace Cluster.Agents.Commands;

/// <summary>Configures a <see cref="LineDevice"/>: its reconnection backoff and its bounds.</summary>
public sealed record LineDeviceOptions
{
    /// <summary>Gets the wait before the first reconnection attempt; each failed attempt doubles it up to <see cref="MaxBackoff"/>.</summary>
    /// <value>The default is 0.5 s.</value>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Gets the longest wait between reconnection attempts.</summary>
    /// <value>The default is 30 s.</value>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long one connection attempt may take (wall time).</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the longest line accepted from the instrument, in bytes; a longer one is skipped and counted.</summary>
    /// <value>The default is 64 KiB.</value>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>Gets how many received lines wait for a slow <see cref="LineDevice.ReadLinesAsync"/> reader; beyond it the oldest is dropped and counted.</summary>
    /// <value>The default is 1,000.</value>
    public int LineQueueCapacity { get; init; } = 1000;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException($"InitialBackoff must be positive and MaxBackoff at least InitialBackoff; they were {InitialBackoff} and {MaxBackoff}.");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ConnectTimeout must be positive; it was {ConnectTimeout}.");
        }

        if (MaxLineBytes < 1 || LineQueueCapacity < 1)
        {
            throw new ArgumentException($"MaxLineBytes and LineQueueCapacity must be at least 1; they were {MaxLineBytes} and {LineQueueCapacity}.");
        }
    }
}
