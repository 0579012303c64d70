namespace Cluster.Agents.Core.Clocks;

/// <summary>Periodic work on an <see cref="IClock"/>.</summary>
public static class ClockSchedule
{
    /// <summary>
    /// Runs <paramref name="tick"/> every <paramref name="period"/>, at <c>t0 + period</c>, <c>t0 + 2·period</c>,
    /// ... where <c>t0</c> is the clock's time now, until the returned handle is cancelled.
    /// </summary>
    /// <param name="clock">The clock that paces the ticks.</param>
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
    public static IClockTimer Every(this IClock clock, TimeSpan period, Action tick, Action<Exception> onError)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(tick);
        ArgumentNullException.ThrowIfNull(onError);
        ClockBase.CheckDelay(period.TotalSeconds, nameof(period));
        var schedule = new PeriodicTimer(clock, period.TotalSeconds, tick, onError);
        schedule.Start();
        return schedule;
    }

    private sealed class PeriodicTimer : IClockTimer
    {
        private readonly Lock _gate = new();
        private readonly IClock _clock;
        private readonly double _start;
        private readonly double _period;
        private readonly Action _tick;
        private readonly Action<Exception> _onError;
        private readonly Action _fire;
        private long _count;
        private IClockTimer? _next;
        private bool _cancelled;

        public PeriodicTimer(IClock clock, double period, Action tick, Action<Exception> onError)
        {
            _clock = clock;
            _start = clock.Time;
            _period = period;
            _tick = tick;
            _onError = onError;
            _fire = Fire;
        }

        public void Start()
        {
            lock (_gate)
            {
                ArmNext();
            }
        }

        public bool Cancel()
        {
            IClockTimer? next;
            lock (_gate)
            {
                if (_cancelled)
                {
                    return false;
                }

                _cancelled = true;
                next = _next;
                _next = null;
            }

            next?.Cancel();
            return true;
        }

        private void Fire()
        {
            lock (_gate)
            {
                if (_cancelled)
                {
                    return;
                }
            }

            try
            {
                _tick();
            }
            catch (Exception e)
            {
                _onError(e);
            }
            finally
            {
                lock (_gate)
                {
                    if (!_cancelled)
                    {
                        ArmNext();
                    }
                }
            }
        }

        private void ArmNext()
        {
            var now = _clock.Time;
            while (true)
            {
                var due = _start + (++_count * _period);
                if (due <= now)
                {
                    _count = Math.Max(_count, (long)Math.Floor((now - _start) / _period));
                    continue;
                }

                try
                {
                    _next = _clock.CallAt(due, _fire);
                    return;
                }
                catch (ArgumentOutOfRangeException) when (_clock.Time >= due)
                {
                    // A real clock passed the due time between reading the time and scheduling: take the next one.
                    now = _clock.Time;
                }
            }
        }
    }
}
