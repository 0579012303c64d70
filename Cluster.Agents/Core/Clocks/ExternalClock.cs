namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// A simulated clock that stands still until it is advanced with <see cref="SetTime(double)"/>, which runs
/// every timer that has come due, in order.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Clock.UtcNow"/> is <c>utcStart + Time</c>. <see cref="SetTime(double)"/> takes the timers due at
/// or before the new time in order of due time, then of scheduling, and while it resolves one, <see cref="Time"/>
/// equals that timer's due time. So an action that schedules another timer relative to "now" is exact, and if
/// the new timer is also due by the new time it runs in the same call, in its turn: a periodic task that re-arms
/// itself fires every period, whether the clock advances in small steps or in one jump. Timers due later stay
/// pending.
/// </para>
/// <para>
/// Actions run synchronously on the thread that called <see cref="SetTime(double)"/>. Sleeps complete their
/// tasks there too, but their continuations run asynchronously on the thread pool, so code awaiting a sleep
/// resumes after the clock may have moved on; code that must act at exact simulated times uses
/// <see cref="Clock.CallAt(double, Action)"/>, <see cref="Clock.CallIn(double, Action)"/> or
/// <see cref="Clock.Every"/>. Timers made by <see cref="Clock.CreateTimer"/> run there too, in the same order:
/// <c>Task.Delay(dt, clock)</c> completes, and <c>new CancellationTokenSource(dt, clock)</c> cancels, inside the
/// <see cref="SetTime(double)"/> that reaches the due time, and code awaiting a <c>Task.Delay</c> may resume there.
/// </para>
/// <para>
/// All members are thread-safe. A timer scheduled from another thread while <see cref="SetTime(double)"/>
/// runs is relative to the time that thread read; if the clock has passed its due time by the time it is
/// queued, it runs first at the next advance.
/// </para>
/// </remarks>
public sealed class ExternalClock : Clock
{
    // Cancelled entries stay queued until they reach the head; past this many the queue is rebuilt without them.
    private const int CompactionThreshold = 64;

    private readonly Lock _lock = new();
    private readonly PriorityQueue<Entry, (double Due, long Seq)> _queue = new();
    private UtcOrigin _utcStart;
    private double _now;
    private long _sequence;
    private int _cancelledInQueue;
    private bool _advancing;

    /// <summary>Creates the clock.</summary>
    /// <param name="utcStart">The UTC time at clock time 0: <see cref="Clock.UtcNow"/> is <c>utcStart + Time</c>.</param>
    /// <param name="initTime">The clock's initial <see cref="Time"/>, in seconds.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initTime"/> is not a finite number.</exception>
    public ExternalClock(DateTimeOffset utcStart, double initTime = 0)
    {
        if (!double.IsFinite(initTime))
        {
            throw new ArgumentOutOfRangeException(nameof(initTime), Invariant($"initTime must be a finite number of seconds, was {initTime}."));
        }

        _utcStart = new UtcOrigin(utcStart);
        _now = initTime;
    }

    /// <inheritdoc/>
    public override double Time => Volatile.Read(ref _now);

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => UtcStart + TimeSpan.FromSeconds(Time);

    /// <summary>Gets the UTC time at clock time 0.</summary>
    internal DateTimeOffset UtcStart => Volatile.Read(ref _utcStart).Utc;

    /// <summary>Gets how many timers and sleeps are pending: scheduled, neither run nor cancelled.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count - _cancelledInQueue;
            }
        }
    }

    /// <summary>Gets the due time of the earliest pending timer or sleep, or null when none is pending.</summary>
    /// <remarks>A simulation can run until idle with <c>while (clock.NextDue is { } t) clock.SetTime(t);</c>.</remarks>
    public double? NextDue
    {
        get
        {
            lock (_lock)
            {
                DropCancelledHead();
                return _queue.TryPeek(out _, out var priority) ? priority.Due : null;
            }
        }
    }

    /// <summary>
    /// Advances the clock to <paramref name="t"/>, running every timer and completing every sleep due at or
    /// before it, in order of due time and then of scheduling, including those scheduled by the actions
    /// themselves.
    /// </summary>
    /// <param name="t">The new time; later than <see cref="Time"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not later than <see cref="Time"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// Another <see cref="SetTime(double)"/> is running, on another thread or further up this thread's stack
    /// (an action may not advance the clock it runs on).
    /// </exception>
    /// <exception cref="AggregateException">
    /// One or more actions threw. Every other due action still ran and the clock is at <paramref name="t"/>;
    /// the inner exceptions are the actions' exceptions, in the order they were thrown.
    /// </exception>
    public void SetTime(double t)
    {
        if (!double.IsFinite(t))
        {
            throw new ArgumentOutOfRangeException(nameof(t), Invariant($"t must be a finite clock time, was {t}."));
        }

        Advance(t, () => Invariant($"The time must strictly increase: t was {t} s, the clock's time is {_now} s."));
    }

    /// <summary>Advances the clock to the UTC time <paramref name="t"/>; see <see cref="SetTime(double)"/>.</summary>
    /// <param name="t">The new UTC time; later than <see cref="Clock.UtcNow"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is not later than <see cref="Clock.UtcNow"/>.</exception>
    /// <exception cref="InvalidOperationException">Another <see cref="SetTime(double)"/> is running.</exception>
    /// <exception cref="AggregateException">One or more actions threw; every other due action still ran.</exception>
    public void SetTime(DateTimeOffset t) =>
        Advance((t - UtcStart).TotalSeconds, () => Invariant($"The time must strictly increase: t was {t:O}, the clock's UTC time is {UtcNow:O}."));

    /// <inheritdoc/>
    protected override IClockTimer ScheduleCore(double due, double delay, Action action)
    {
        var entry = new Entry(this, action);
        lock (_lock)
        {
            _queue.Enqueue(entry, (due, _sequence++));
        }

        return entry;
    }

    /// <inheritdoc/>
    protected override double ToClockTime(DateTimeOffset utc, double now) => (utc - UtcStart).TotalSeconds;

    /// <summary>
    /// Moves the UTC time at clock time 0, so that <see cref="Clock.UtcNow"/> matches another node's clock; the clock
    /// time and every pending timer stay as they are (timers set for a UTC time were converted when scheduled).
    /// </summary>
    /// <param name="utcStart">The new UTC time at clock time 0.</param>
    internal void SetUtcStart(DateTimeOffset utcStart) => Volatile.Write(ref _utcStart, new UtcOrigin(utcStart));

    private void Advance(double t, Func<string> notLater)
    {
        lock (_lock)
        {
            if (t <= _now)
            {
                throw new ArgumentOutOfRangeException(nameof(t), notLater());
            }

            if (_advancing)
            {
                throw new InvalidOperationException(
                    "The clock is already advancing: SetTime was called from a timer action, or from another thread while a SetTime runs.");
            }

            _advancing = true;
        }

        List<Exception>? errors = null;
        try
        {
            while (true)
            {
                Action action;
                lock (_lock)
                {
                    if (!TryTakeDue(t, out action))
                    {
                        // Set under the same lock that found nothing due, so no due timer can slip in between.
                        Volatile.Write(ref _now, t);
                        break;
                    }
                }

                try
                {
                    action();
                }
                catch (Exception e)
                {
                    (errors ??= []).Add(e);
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _advancing = false;
            }
        }

        if (errors is not null)
        {
            throw new AggregateException(
                Invariant($"{errors.Count} timer action(s) failed while the clock advanced to {t} s; every other due action ran and the time was set."),
                errors);
        }
    }

    private bool TryTakeDue(double t, out Action action)
    {
        while (_queue.TryPeek(out var entry, out var priority) && priority.Due <= t)
        {
            _queue.Dequeue();
            if (entry.Action is not { } taken)
            {
                _cancelledInQueue--;
                continue;
            }

            entry.Action = null;
            if (priority.Due > _now)
            {
                Volatile.Write(ref _now, priority.Due);
            }

            action = taken;
            return true;
        }

        action = null!;
        return false;
    }

    private void DropCancelledHead()
    {
        while (_queue.TryPeek(out var entry, out _) && entry.Action is null)
        {
            _queue.Dequeue();
            _cancelledInQueue--;
        }
    }

    private bool Cancel(Entry entry)
    {
        lock (_lock)
        {
            if (entry.Action is null)
            {
                return false;
            }

            entry.Action = null;
            _cancelledInQueue++;
            if (_cancelledInQueue > CompactionThreshold && _cancelledInQueue * 2 > _queue.Count)
            {
                Compact();
            }

            return true;
        }
    }

    private void Compact()
    {
        var live = new List<(Entry, (double, long))>(_queue.Count - _cancelledInQueue);
        foreach (var item in _queue.UnorderedItems)
        {
            if (item.Element.Action is not null)
            {
                live.Add(item);
            }
        }

        _queue.Clear();
        _queue.EnqueueRange(live);
        _cancelledInQueue = 0;
    }

    // A DateTimeOffset cannot be read atomically; a reference to an immutable holder can.
    private sealed record UtcOrigin(DateTimeOffset Utc);

    // An entry still in the queue without an action was cancelled; one taken out of it has started.
    private sealed class Entry(ExternalClock clock, Action action) : IClockTimer
    {
        // Guarded by the clock's lock.
        public Action? Action { get; set; } = action;

        public bool Cancel() => clock.Cancel(this);
    }
}
