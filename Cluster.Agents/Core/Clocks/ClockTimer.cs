namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// Calls an action at <c>origin + n·period</c> for n = first, first + 1, ... on a clock, or once at <c>origin</c>
/// when the period is 0: the timers of <see cref="Clock.Every"/> and <see cref="Clock.CreateTimer"/>.
/// </summary>
/// <remarks>
/// The next call is scheduled once the current one has returned, so calls never overlap; one that would already
/// be due then (a real clock behind by a period or more) is skipped. Cancelling and disposing are the same.
/// </remarks>
internal sealed class ClockTimer(Clock clock, Action work) : IClockTimer, ITimer
{
    private readonly Lock _gate = new();
    private Action _fire = () => { };
    private double _origin;
    private double _period;
    private long _count;
    private long _generation;
    private IClockTimer? _next;
    private bool _running;
    private bool _disposed;

    /// <summary>Starts a new schedule in place of the current one.</summary>
    /// <param name="origin">The first due time, or null to stop without disposing.</param>
    /// <param name="first">The n of the first call; when 0 and <paramref name="origin"/> is not in the future, the first call is made at once, on this thread.</param>
    /// <param name="period">The time between calls, in seconds; 0 for a single call.</param>
    /// <returns>False if the timer was disposed.</returns>
    public bool Restart(double? origin, long first, double period)
    {
        Action fire;
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            Stop();
            if (origin is not { } start)
            {
                return true;
            }

            (_origin, _count, _period, _running) = (start, first, period, true);

            // Each schedule fires through its own delegate, so a call of an old one already under way cannot re-arm.
            var generation = ++_generation;
            fire = _fire = () => Fire(generation);
            if (first > 0 || start > clock.Time)
            {
                ArmNext();
                return true;
            }
        }

        // Due now (a zero due time): called at once, on this thread, as it would be by a clock that is never late.
        fire();
        return true;
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        CheckSpan(dueTime, nameof(dueTime));
        CheckSpan(period, nameof(period));
        return Restart(
            dueTime == Timeout.InfiniteTimeSpan ? null : clock.Time + dueTime.TotalSeconds,
            0,
            period == Timeout.InfiniteTimeSpan ? 0 : period.TotalSeconds);
    }

    public bool Cancel()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
            var running = _running;
            Stop();
            return running;
        }
    }

    public void Dispose() => Cancel();

    public ValueTask DisposeAsync()
    {
        Cancel();
        return ValueTask.CompletedTask;
    }

    private static void CheckSpan(TimeSpan value, string paramName)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                paramName, Clock.Invariant($"{paramName} must be zero, positive or Timeout.InfiniteTimeSpan, was {value.TotalSeconds} s."));
        }
    }

    private void Stop()
    {
        _running = false;
        _next?.Cancel();
        _next = null;
    }

    private void Fire(long generation)
    {
        lock (_gate)
        {
            if (!_running || generation != _generation)
            {
                return;
            }

            _next = null;
        }

        try
        {
            work();
        }
        finally
        {
            lock (_gate)
            {
                if (_running && generation == _generation)
                {
                    if (_period == 0)
                    {
                        _running = false;
                    }
                    else
                    {
                        _count++;
                        ArmNext();
                    }
                }
            }
        }
    }

    private void ArmNext()
    {
        var now = clock.Time;
        var due = _origin + (_count * _period);
        while (due <= now && _period > 0)
        {
            // Behind by a period or more: skip the missed calls rather than run them in a burst.
            _count = Math.Max(_count, (long)Math.Floor((now - _origin) / _period)) + 1;
            due = _origin + (_count * _period);
        }

        _next = clock.Schedule(due, now, _fire);
    }
}
