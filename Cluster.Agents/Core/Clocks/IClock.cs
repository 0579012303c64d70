namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// Tells the time and schedules work on a node: a monotonic <see cref="Time"/> in seconds, the matching
/// <see cref="UtcNow"/>, sleeps and timed calls.
/// </summary>
/// <remarks>
/// <para>
/// Everything an agent does on a schedule goes through this interface, so that the same code runs on wall time
/// (<see cref="RealTimeClock"/>) or on simulated time (<see cref="ExternalClock"/>). Get the node's clock with
/// <see cref="NodeClock.Get"/> or, inside an actor, with <see cref="ClockActorExtensions.GetClock"/>.
/// </para>
/// <para>
/// Every clock applies the same argument rules: a delay must be positive, and an absolute time must be later
/// than the clock's current time; otherwise the call throws <see cref="ArgumentOutOfRangeException"/> with a
/// message that gives the values. An action never runs before <see cref="Time"/> has reached its due time.
/// </para>
/// </remarks>
public interface IClock
{
    /// <summary>Gets the clock's time: monotonic seconds since the clock's epoch.</summary>
    double Time { get; }

    /// <summary>Gets the current UTC date and time on this clock.</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>Returns a task that completes after <paramref name="dt"/> has passed on this clock.</summary>
    /// <param name="dt">How long to sleep; positive.</param>
    /// <param name="ct">Cancels the sleep: the task is then cancelled and the sleep leaves the clock's queue.</param>
    /// <returns>The sleep; awaiting a cancelled sleep throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dt"/> is not positive.</exception>
    Task Sleep(TimeSpan dt, CancellationToken ct = default);

    /// <summary>Returns a task that completes after <paramref name="seconds"/> have passed on this clock.</summary>
    /// <param name="seconds">How long to sleep, in seconds; positive.</param>
    /// <param name="ct">Cancels the sleep: the task is then cancelled and the sleep leaves the clock's queue.</param>
    /// <returns>The sleep; awaiting a cancelled sleep throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not positive.</exception>
    Task Sleep(double seconds, CancellationToken ct = default);

    /// <summary>Returns a task that completes when <see cref="Time"/> reaches <paramref name="t"/>.</summary>
    /// <param name="t">The clock time to wake at; later than <see cref="Time"/>.</param>
    /// <param name="ct">Cancels the sleep: the task is then cancelled and the sleep leaves the clock's queue.</param>
    /// <returns>The sleep; awaiting a cancelled sleep throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not in the future.</exception>
    Task SleepUntil(double t, CancellationToken ct = default);

    /// <summary>Returns a task that completes when <see cref="UtcNow"/> reaches <paramref name="t"/>.</summary>
    /// <param name="t">The UTC time to wake at; later than <see cref="UtcNow"/>.</param>
    /// <param name="ct">Cancels the sleep: the task is then cancelled and the sleep leaves the clock's queue.</param>
    /// <returns>The sleep; awaiting a cancelled sleep throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not in the future.</exception>
    Task SleepUntil(DateTimeOffset t, CancellationToken ct = default);

    /// <summary>Runs <paramref name="action"/> once, after <paramref name="dt"/> has passed on this clock.</summary>
    /// <param name="dt">The delay; positive.</param>
    /// <param name="action">The action to run.</param>
    /// <returns>A handle that cancels the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dt"/> is not positive.</exception>
    IClockTimer CallIn(TimeSpan dt, Action action);

    /// <summary>Runs <paramref name="action"/> once, after <paramref name="seconds"/> have passed on this clock.</summary>
    /// <param name="seconds">The delay in seconds; positive.</param>
    /// <param name="action">The action to run.</param>
    /// <returns>A handle that cancels the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not positive.</exception>
    IClockTimer CallIn(double seconds, Action action);

    /// <summary>Runs <paramref name="action"/> once, when <see cref="Time"/> reaches <paramref name="t"/>.</summary>
    /// <param name="t">The clock time to run at; later than <see cref="Time"/>.</param>
    /// <param name="action">The action to run.</param>
    /// <returns>A handle that cancels the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not in the future.</exception>
    IClockTimer CallAt(double t, Action action);

    /// <summary>Runs <paramref name="action"/> once, when <see cref="UtcNow"/> reaches <paramref name="t"/>.</summary>
    /// <param name="t">The UTC time to run at; later than <see cref="UtcNow"/>.</param>
    /// <param name="action">The action to run.</param>
    /// <returns>A handle that cancels the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not in the future.</exception>
    IClockTimer CallAt(DateTimeOffset t, Action action);
}
