namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// Calls an action at <c>origin + n·period</c> for n = first, first + 1, ... on a clock (once, at <c>origin</c>,
/// when the period is 0): the mechanism of <see cref="Clock.Every"/> and of the clock's <see cref="ITimer"/>s.
/// </summary>
internal sealed class PeriodicCall : IClockTimer
{
    private readonly Lock _gate = new();
    private readonly Clock _clock;
    private readonly double _origin;
    private readonly double _period;
    private readonly Action _work;
    private readonly Action _fire;
    private long _count;
    private IClockTimer? _next;
    private bool _cancelled;

    private PeriodicCall(Clock clock, double origin, long first, double period, Action work)
    {
        _clock = clock;
        _origin = origin;
        _count = first;
        _period = period;
        _work = work;
        _fire = Fire;
    }

    /// <summary>Starts the calls; a first due time that is not in the future is called at once, on the thread pool.</summary>
    public static PeriodicCall Start(Clock clock, double origin, long first, double period, Action work)
    {
        var call = new PeriodicCall(clock, origin, first, period, work);
        lock (call._gate)
        {
            if (origin + (first * period) > clock.Time)
            {
                call.ArmNext();
            }
            else
            {
                call.FireSoon();
            }
        }

        return call;
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

            _next = null;
        }

        try
        {
            _work();
        }
        finally
        {
            lock (_gate)
            {
                if (_period == 0)
                {
                    // Done: a later Cancel reports that the call already ran.
                    _cancelled = true;
                }
                else if (!_cancelled)
                {
                    _count++;
                    ArmNext();
                }
            }
        }
    }

    private void FireSoon() => ThreadPool.UnsafeQueueUserWorkItem(static call => call.Fire(), this, preferLocal: false);

    private void ArmNext()
    {
        var now = _clock.Time;
        while (true)
        {
            var due = _origin + (_count * _period);
            if (due > now)
            {
                try
                {
                    _next = _clock.CallAt(due, _fire);
                    return;
                }
                catch (ArgumentOutOfRangeException) when (_clock.Time >= due)
                {
                    // A real clock passed the due time between reading the time and scheduling.
                    now = _clock.Time;
                    continue;
                }
            }

            if (_period == 0)
            {
                FireSoon();
                return;
            }

            // Behind by a period or more: skip the missed calls rather than run them in a burst.
            _count = Math.Max(_count, (long)Math.Floor((now - _origin) / _period)) + 1;
        }
    }
}
