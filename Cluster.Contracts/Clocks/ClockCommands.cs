using System.Collections.Immutable;

namespace Cluster.Contracts.Clocks;

/// <summary>
/// A request to the cluster's clock source. Any host node's cluster clock service routes it to the source,
/// which answers <see cref="ClockStatus"/>, or <see cref="ClockCommandFailed"/> when it cannot do it or no source runs.
/// </summary>
public interface IClockCommand : IClusterMessage;

/// <summary>Asks the clock source for its state.</summary>
public sealed record GetClockStatus : IClockCommand
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly GetClockStatus Instance = new();

    private GetClockStatus()
    {
    }
}

/// <summary>
/// Advances the cluster's time by <paramref name="Duration"/> in one tick and puts the source in step mode;
/// the answer comes once every follower has applied the tick.
/// </summary>
/// <param name="Duration">How far to advance; positive.</param>
public sealed record StepClock(TimeSpan Duration) : IClockCommand;

/// <summary>Puts the clock source in run mode.</summary>
/// <param name="Rate">Simulated seconds per wall second; 0 to run as fast as the followers allow.</param>
public sealed record RunClock(double Rate) : IClockCommand;

/// <summary>Puts the clock source in pause mode: time stops advancing.</summary>
public sealed record PauseClock : IClockCommand
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly PauseClock Instance = new();

    private PauseClock()
    {
    }
}

/// <summary>The clock source's answer to every <see cref="IClockCommand"/>: its state after the command.</summary>
/// <param name="Mode">The source's mode: <c>step</c>, <c>run</c> or <c>pause</c>.</param>
/// <param name="Time">The last time the source published, in seconds.</param>
/// <param name="UtcNow">The UTC time matching <paramref name="Time"/>.</param>
/// <param name="Rate">In run mode, simulated seconds per wall second; 0 for as fast as possible.</param>
/// <param name="Sequence">The sequence number of the last tick published; 0 before the first.</param>
/// <param name="Source">The source's full actor path, its node's address included.</param>
/// <param name="Followers">The nodes following the source, ordered by address.</param>
public sealed record ClockStatus(
    string Mode,
    double Time,
    DateTimeOffset UtcNow,
    double Rate,
    long Sequence,
    string Source,
    ImmutableArray<ClockFollowerInfo> Followers) : IClusterMessage;

/// <summary>One node following the clock source.</summary>
/// <param name="Node">The node's address.</param>
/// <param name="Time">The time the node last acknowledged.</param>
/// <param name="Sequence">The sequence number of the last tick the node acknowledged.</param>
public sealed record ClockFollowerInfo(string Node, double Time, long Sequence) : IClusterMessage;

/// <summary>The clock source's answer to an <see cref="IClockCommand"/> it could not carry out, or the answer when no source runs.</summary>
/// <param name="Error">What went wrong, as one sentence for an operator.</param>
public sealed record ClockCommandFailed(string Error) : IClusterMessage;
