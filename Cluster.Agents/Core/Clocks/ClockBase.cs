using System.Globalization;

namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// The part every clock shares: argument checks, the conversions between durations, clock times and UTC
/// times, and sleeps built on one scheduling primitive, <see cref="ScheduleCore"/>.
/// </summary>
/// <remarks>
/// A delay must be a finite, positive number of seconds; an absolute time must be later than the clock's
/// current time. Both rules are checked here, once, for every clock, and throw
/// <see cref="ArgumentOutOfRangeException"/> with a message that gives the offending value (and the current
/// time, for absolute times).
/// </remarks>
public abstract class ClockBase : IClock
{
    /// <inheritdoc/>
    public abstract double Time { get; }

    /// <inheritdoc/>
    public abstract DateTimeOffset UtcNow { get; }

    /// <inheritdoc/>
    public Task Sleep(TimeSpan dt, CancellationToken ct = default) => SleepFor(dt.TotalSeconds, nameof(dt), ct);

    /// <inheritdoc/>
    public Task Sleep(double seconds, CancellationToken ct = default) => SleepFor(seconds, nameof(seconds), ct);

    /// <inheritdoc/>
    public Task SleepUntil(double t, CancellationToken ct = default)
    {
        var now = Time;
        CheckDue(t, now, nameof(t));
        return SleepOperation.Start(this, t, t - now, ct);
    }

    /// <inheritdoc/>
    public Task SleepUntil(DateTimeOffset t, CancellationToken ct = default)
    {
        var now = Time;
        var due = CheckDue(t, now, nameof(t));
        return SleepOperation.Start(this, due, due - now, ct);
    }

    /// <inheritdoc/>
    public IClockTimer CallIn(TimeSpan dt, Action action) => CallAfter(dt.TotalSeconds, nameof(dt), action);

    /// <inheritdoc/>
    public IClockTimer CallIn(double seconds, Action action) => CallAfter(seconds, nameof(seconds), action);

    /// <inheritdoc/>
    public IClockTimer CallAt(double t, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = Time;
        CheckDue(t, now, nameof(t));
        return ScheduleCore(t, t - now, action);
    }

    /// <inheritdoc/>
    public IClockTimer CallAt(DateTimeOffset t, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = Time;
        var due = CheckDue(t, now, nameof(t));
        return ScheduleCore(due, due - now, action);
    }

    /// <summary>Schedules <paramref name="action"/> to run once, at clock time <paramref name="due"/>.</summary>
    /// <param name="due">The clock time to run at; checked to be later than the time the caller read.</param>
    /// <param name="delay">The same moment as a delay from the time the caller read, in seconds; positive.</param>
    /// <param name="action">The action; not null.</param>
    /// <returns>A handle that cancels the call, with the guarantee of <see cref="IClockTimer.Cancel"/>.</returns>
    protected abstract IClockTimer ScheduleCore(double due, double delay, Action action);

    /// <summary>Converts a UTC time to this clock's time scale.</summary>
    /// <param name="utc">The UTC time.</param>
    /// <param name="now">The clock's <see cref="Time"/>, as the caller read it.</param>
    /// <returns>The clock time at which <see cref="UtcNow"/> equals <paramref name="utc"/>.</returns>
    protected virtual double ToClockTime(DateTimeOffset utc, double now) => now + (utc - UtcNow).TotalSeconds;

    /// <summary>Checks that a delay is a finite, positive number of seconds.</summary>
    internal static void CheckDelay(double seconds, string paramName)
    {
        if (!double.IsFinite(seconds))
        {
            throw new ArgumentOutOfRangeException(paramName, Invariant($"{paramName} must be a finite number of seconds, was {seconds}."));
        }

        if (seconds <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, Invariant($"{paramName} must be positive, was {seconds} s."));
        }
    }

    /// <summary>Checks that a clock time is later than the current time.</summary>
    internal static void CheckDue(double t, double now, string paramName)
    {
        if (!double.IsFinite(t))
        {
            throw new ArgumentOutOfRangeException(paramName, Invariant($"{paramName} must be a finite clock time, was {t}."));
        }

        if (t <= now)
        {
            throw new ArgumentOutOfRangeException(
                paramName, Invariant($"{paramName} must be in the future: was {t} s, the clock's time is {now} s."));
        }
    }

    private double CheckDue(DateTimeOffset t, double now, string paramName)
    {
        var due = ToClockTime(t, now);
        if (due <= now)
        {
            throw new ArgumentOutOfRangeException(
                paramName, Invariant($"{paramName} must be in the future: was {t:O}, the clock's UTC time is {UtcNow:O}."));
        }

        return due;
    }

    private Task SleepFor(double seconds, string paramName, CancellationToken ct)
    {
        var now = Time;
        CheckDelay(seconds, paramName);
        return SleepOperation.Start(this, now + seconds, seconds, ct);
    }

    private IClockTimer CallAfter(double seconds, string paramName, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = Time;
        CheckDelay(seconds, paramName);
        return ScheduleCore(now + seconds, seconds, action);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class SleepOperation : TaskCompletionSource
    {
        private readonly Lock _gate = new();
        private IClockTimer? _timer;
        private CancellationTokenRegistration _registration;

        private SleepOperation()
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
        }

        public static Task Start(ClockBase clock, double due, double delay, CancellationToken ct)
        {
            if (ct.IsCancellationRequested)
            {
                return Task.FromCanceled(ct);
            }

            var sleep = new SleepOperation();
            sleep._timer = clock.ScheduleCore(due, delay, sleep.Complete);
            if (ct.CanBeCanceled)
            {
                // Registered after the timer exists, so the callback always finds a timer to cancel.
                var registration = ct.UnsafeRegister(static (state, token) => ((SleepOperation)state!).Cancel(token), sleep);
                lock (sleep._gate)
                {
                    if (sleep.Task.IsCompleted)
                    {
                        registration.Unregister();
                    }
                    else
                    {
                        sleep._registration = registration;
                    }
                }
            }

            return sleep.Task;
        }

        private void Complete()
        {
            if (!TrySetResult())
            {
                return;
            }

            CancellationTokenRegistration registration;
            lock (_gate)
            {
                registration = _registration;
                _registration = default;
            }

            registration.Unregister();
        }

        private void Cancel(CancellationToken token)
        {
            // A timer that already fired has completed (or is completing) the sleep: it stays successful.
            if (_timer!.Cancel())
            {
                TrySetCanceled(token);
            }
        }
    }
}
