namespace Cluster.Contracts.Clocks;

/// <summary>
/// The cluster's simulated time, as the clock source publishes it on the topic bus (topic <c>clock/time</c>)
/// each time it advances; every node whose clock mode is <c>follow</c> sets its clock to it.
/// </summary>
/// <param name="Time">The new clock time, in seconds since the clock's epoch.</param>
/// <param name="UtcNow">The UTC time matching <paramref name="Time"/>.</param>
/// <param name="Sequence">The tick's number: 1 for the first tick a source publishes, then one more per tick.</param>
/// <param name="Mode">The source's mode when it published the tick: <c>step</c>, <c>run</c> or <c>pause</c>.</param>
/// <param name="Rate">In run mode, simulated seconds per wall second; 0 when running as fast as the followers allow.</param>
public sealed record ClockTick(double Time, DateTimeOffset UtcNow, long Sequence, string Mode, double Rate) : IClusterMessage;
