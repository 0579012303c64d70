using System.Globalization;

namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// Tells the time and schedules work on a node: a <see cref="TimeProvider"/> with a monotonic <see cref="Time"/>
/// in seconds, the matching <see cref="UtcNow"/>, sleeps, timed calls and periodic calls.
/// </summary>
/// <remarks>
/// <para>
/// Everything an agent does on a schedule goes through the node's clock, so that the same code runs on wall time
/// (<see cref="RealTimeClock"/>) or on simulated time (<see cref="ExternalClock"/>). Get it with
/// <see cref="NodeClock.Get"/> or, inside an actor, with <see cref="ClockActorExtensions.GetClock"/>. Being a
/// <see cref="TimeProvider"/>, it also paces <c>Task.Delay(dt, clock)</c>, <c>new PeriodicTimer(dt, clock)</c>,
/// <c>new CancellationTokenSource(dt, clock)</c> and every library that takes a time provider.
/// </para>
/// <para>
/// Every clock applies the same argument rules: a delay must be a finite, positive number of seconds, and an
/// absolute time must be later than the clock's current time; otherwise the call throws
/// <see cref="ArgumentOutOfRangeException"/> with a message that gives the values. An action never runs before
/// <see cref="Time"/> has reached its due time. A clock supplies its time and one primitive,
/// <see cref="ScheduleCore"/>; every call here, and every timer made by <see cref="CreateTimer"/>, is built on it.
/// </para>
/// </remarks>
public abstract class Clock : TimeProvider
{
    // One TimeSpan tick: the shortest delay a scheduler is handed.
    private const double MinimumDelay = 1e-7;

    /// <summary>Gets the clock's time: monotonic seconds since the clock's epoch.</summary>
    public abstract double Time { get; }

    /// <summary>Gets the current UTC date and time on this clock; the same as <see cref="GetUtcNow"/>.</summary>
    public DateTimeOffset UtcNow => GetUtcNow();

    /// <summary>Gets the number of timestamp ticks per second: <see cref="TimeSpan.TicksPerSecond"/> unless a clock has its own.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Gets the current UTC date and time on this clock.</summary>
    /// <returns>The UTC time that matches <see cref="Time"/>.</returns>
    public abstract override DateTimeOffset GetUtcNow();

    /// <summary>Gets a timestamp of <see cref="Time"/>, in units of <see cref="TimestampFrequency"/>.</summary>
    /// <returns>The timestamp; it never decreases.</returns>
    public override long GetTimestamp() => (long)(Time * TimeSpan.TicksPerSecond);

    /// <summary>Creates a timer on this clock, as <see cref="TimeProvider"/> defines it.</summary>
    /// <param name="callback">What the timer calls.</param>
    /// <param name="state">The argument of <paramref name="callback"/>.</param>
    /// <param name="dueTime">The delay before the first call; zero calls at once, on the calling thread, <see cref="Timeout.InfiniteTimeSpan"/> never.</param>
    /// <param name="period">The time between calls; zero or <see cref="Timeout.InfiniteTimeSpan"/> calls only once.</param>
    /// <returns>The timer; disposing it stops it with the guarantee of <see cref="IClockTimer.Cancel"/>.</returns>
    /// <remarks>
    /// Its calls run as <see cref="CallAt(double, Action)"/> actions do: in due-time order and on the thread that
    /// advances an <see cref="ExternalClock"/>, on the thread pool on a <see cref="RealTimeClock"/>. The next call of
    /// a periodic timer is scheduled once the current one has returned, at the next multiple of the period.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dueTime"/> or <paramref name="period"/> is negative and not infinite.</exception>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ClockTimer(this, () => callback(state));
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Returns a task that completes after <paramref name="dt"/> has passed on this clock.</summary>
    /// <param name="dt">How long to sleep; positive.</param>
    /// <param name="ct">Cancels the sleep: the task is then cancelled and the sleep leaves the clock's queue.</param>
    /// <returns>The sleep; awaiting a cancelled sleep throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dt"/> is not positive.</exception>
    public Task Sleep(TimeSpan dt, CancellationToken ct = default) => SleepFor(dt.TotalSeconds, nameof(dt), ct);

    /// <summary>Returns a task that completes after <paramref name="seconds"/> have passed on this clock.</summary>
    /// <param name="seconds">How long to sleep, in seconds; positive.</param>
    /// <param name="ct">Cancels the sleep: the task is then cancelled and the sleep leaves the clock's queue.</param>
    /// <returns>The sleep; awaiting a cancelled sleep throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not positive.</exception>
    public Task Sleep(double seconds, CancellationToken ct = default) => SleepFor(seconds, nameof(seconds), ct);

    /// <summary>Returns a task that completes when <see cref="Time"/> reaches <paramref name="t"/>.</summary>
    /// <param name="t">The clock time to wake at; later than <see cref="Time"/>.</param>
    /// <param name="ct">Cancels the sleep: the task is then cancelled and the sleep leaves the clock's queue.</param>
    /// <returns>The sleep; awaiting a cancelled sleep throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not in the future.</exception>
    public Task SleepUntil(double t, CancellationToken ct = default)
    {
        var now = Time;
        CheckDue(t, now, nameof(t));
        return SleepTo(t, t - now, ct);
    }

    /// <summary>Returns a task that completes when <see cref="UtcNow"/> reaches <paramref name="t"/>.</summary>
    /// <param name="t">The UTC time to wake at; later than <see cref="UtcNow"/>.</param>
    /// <param name="ct">Cancels the sleep: the task is then cancelled and the sleep leaves the clock's queue.</param>
    /// <returns>The sleep; awaiting a cancelled sleep throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not in the future.</exception>
    public Task SleepUntil(DateTimeOffset t, CancellationToken ct = default)
    {
        var now = Time;
        var due = CheckDue(t, now, nameof(t));
        return SleepTo(due, due - now, ct);
    }

    /// <summary>Runs <paramref name="action"/> once, after <paramref name="dt"/> has passed on this clock.</summary>
    /// <param name="dt">The delay; positive.</param>
    /// <param name="action">The action to run.</param>
    /// <returns>A handle that cancels the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dt"/> is not positive.</exception>
    public IClockTimer CallIn(TimeSpan dt, Action action) => CallAfter(dt.TotalSeconds, nameof(dt), action);

    /// <summary>Runs <paramref name="action"/> once, after <paramref name="seconds"/> have passed on this clock.</summary>
    /// <param name="seconds">The delay in seconds; positive.</param>
    /// <param name="action">The action to run.</param>
    /// <returns>A handle that cancels the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not positive.</exception>
    public IClockTimer CallIn(double seconds, Action action) => CallAfter(seconds, nameof(seconds), action);

    /// <summary>Runs <paramref name="action"/> once, when <see cref="Time"/> reaches <paramref name="t"/>.</summary>
    /// <param name="t">The clock time to run at; later than <see cref="Time"/>.</param>
    /// <param name="action">The action to run.</param>
    /// <returns>A handle that cancels the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not in the future.</exception>
    public IClockTimer CallAt(double t, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = Time;
        CheckDue(t, now, nameof(t));
        return ScheduleCore(t, t - now, action);
    }

    /// <summary>Runs <paramref name="action"/> once, when <see cref="UtcNow"/> reaches <paramref name="t"/>.</summary>
    /// <param name="t">The UTC time to run at; later than <see cref="UtcNow"/>.</param>
    /// <param name="action">The action to run.</param>
    /// <returns>A handle that cancels the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not in the future.</exception>
    public IClockTimer CallAt(DateTimeOffset t, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = Time;
        var due = CheckDue(t, now, nameof(t));
        return ScheduleCore(due, due - now, action);
    }

    /// <summary>
    /// Runs <paramref name="tick"/> every <paramref name="period"/>, at <c>t0 + period</c>, <c>t0 + 2·period</c>,
    /// ... where <c>t0</c> is the clock's time now, until the returned handle is cancelled.
    /// </summary>
    /// <param name="period">The time between ticks; positive.</param>
    /// <param name="tick">The work to do on each tick.</param>
    /// <param name="onError">Receives what <paramref name="tick"/> throws; the schedule goes on regardless.</param>
    /// <returns>
    /// A handle that stops the schedule: after <see cref="IClockTimer.Cancel"/> returns no tick starts (a tick
    /// already running on another thread finishes). It returns whether the schedule was still running.
    /// </returns>
    /// <remarks>
    /// The due times are computed from <c>t0</c>, never from the time a tick ran, so the schedule does not drift.
    /// The next tick is scheduled once the current one has returned; if that is past one or more due times (a
    /// real clock behind by more than a period), those ticks are skipped, not run in a burst. On an
    /// <see cref="ExternalClock"/> no tick is ever skipped, however far one <see cref="ExternalClock.SetTime(double)"/>
    /// jumps. If <paramref name="onError"/> itself throws, the schedule still goes on and the exception reaches
    /// the clock (see <see cref="ExternalClock.SetTime(double)"/> and <see cref="RealTimeClock"/>).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IClockTimer Every(TimeSpan period, Action tick, Action<Exception> onError)
    {
        ArgumentNullException.ThrowIfNull(tick);
        ArgumentNullException.ThrowIfNull(onError);
        CheckDelay(period.TotalSeconds, nameof(period));
        var timer = new ClockTimer(this, () =>
        {
            try
            {
                tick();
            }
            catch (Exception e)
            {
                onError(e);
            }
        });
        timer.Restart(Time, 1, period.TotalSeconds);
        return timer;
    }

    /// <summary>Schedules <paramref name="action"/> to run once, at clock time <paramref name="due"/>.</summary>
    /// <param name="due">The clock time to run at; checked to be later than the time the caller read.</param>
    /// <param name="delay">The same moment as a delay from the time the caller read, in seconds; positive.</param>
    /// <param name="action">The action; not null.</param>
    /// <returns>A handle that cancels the call, with the guarantee of <see cref="IClockTimer.Cancel"/>.</returns>
    protected abstract IClockTimer ScheduleCore(double due, double delay, Action action);

    /// <summary>Schedules <paramref name="action"/> at clock time <paramref name="due"/>, even one the clock has just passed.</summary>
    /// <param name="due">The clock time to run at.</param>
    /// <param name="now">The clock's <see cref="Time"/>, as the caller read it.</param>
    /// <param name="action">The action.</param>
    /// <returns>A handle that cancels the call.</returns>
    internal IClockTimer Schedule(double due, double now, Action action) =>
        // A due time already passed on a real clock runs at the scheduler's next tick, never before it is due.
        ScheduleCore(due, Math.Max(due - now, MinimumDelay), action);

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

    /// <summary>Formats a message with the invariant culture, so numbers read the same on every machine.</summary>
    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task SleepUntilCancelled(TaskCompletionSource wake, IClockTimer timer, CancellationToken ct)
    {
        // A timer that already fired has completed the sleep, which then stays successful.
        var cancel = () =>
        {
            if (timer.Cancel())
            {
                wake.TrySetCanceled(ct);
            }
        };
        using (ct.UnsafeRegister(static state => ((Action)state!)(), cancel))
        {
            await wake.Task.ConfigureAwait(false);
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
        return SleepTo(now + seconds, seconds, ct);
    }

    private Task SleepTo(double due, double delay, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled(ct);
        }

        // Asynchronous continuations: an ExternalClock completes sleeps inside SetTime, which must not run the sleepers' code.
        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timer = ScheduleCore(due, delay, () => wake.TrySetResult());
        return ct.CanBeCanceled ? SleepUntilCancelled(wake, timer, ct) : wake.Task;
    }

    private IClockTimer CallAfter(double seconds, string paramName, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = Time;
        CheckDelay(seconds, paramName);
        return ScheduleCore(now + seconds, seconds, action);
    }
}
