using System.Diagnostics;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// A clock on wall time: <see cref="Clock.Time"/> and <see cref="GetTimestamp"/> from the monotonic
/// <see cref="Stopwatch"/>, <see cref="Clock.UtcNow"/> from a <see cref="TimeProvider"/>, and timers on the
/// ActorSystem's scheduler.
/// </summary>
/// <remarks>
/// <para>
/// The clock's epoch is its creation: <see cref="Clock.Time"/> starts at 0 and never goes back, whatever
/// happens to the system's wall clock.
/// </para>
/// <para>
/// Timers ride on the ActorSystem's scheduler, which is left as it is (remoting and failure detection depend on
/// it), so they fire with its resolution (<c>akka.scheduler.tick-duration</c>, 10 ms by default), never early.
/// Actions run on the thread pool, not on the scheduler's own thread, so a slow action cannot delay the
/// cluster's heartbeats. An action that throws is logged at Error level and affects no other timer. After the
/// ActorSystem has terminated, pending timers and sleeps no longer complete.
/// </para>
/// </remarks>
public sealed class RealTimeClock : Clock
{
    private readonly IScheduler _scheduler;
    private readonly ILoggingAdapter _log;
    private readonly TimeProvider _timeProvider;
    private readonly long _epoch = Stopwatch.GetTimestamp();

    /// <summary>Creates a clock on an ActorSystem's scheduler, logging failed actions to the system's log.</summary>
    /// <param name="system">The actor system whose scheduler runs the timers.</param>
    /// <param name="timeProvider">The source of <see cref="Clock.UtcNow"/>; <see cref="TimeProvider.System"/> by default.</param>
    public RealTimeClock(ActorSystem system, TimeProvider? timeProvider = null)
        : this((system ?? throw new ArgumentNullException(nameof(system))).Scheduler, Logging.GetLogger(system, typeof(RealTimeClock)), timeProvider)
    {
    }

    /// <summary>Creates a clock on a scheduler.</summary>
    /// <param name="scheduler">The scheduler that runs the timers, usually <see cref="ActorSystem.Scheduler"/>.</param>
    /// <param name="log">Where actions that throw are reported.</param>
    /// <param name="timeProvider">The source of <see cref="Clock.UtcNow"/>; <see cref="TimeProvider.System"/> by default.</param>
    public RealTimeClock(IScheduler scheduler, ILoggingAdapter log, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(log);
        _scheduler = scheduler;
        _log = log;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public override double Time => (Stopwatch.GetTimestamp() - _epoch) / (double)Stopwatch.Frequency;

    /// <inheritdoc/>
    public override long TimestampFrequency => Stopwatch.Frequency;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _timeProvider.GetUtcNow();

    /// <inheritdoc/>
    public override long GetTimestamp() => Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    protected override IClockTimer ScheduleCore(double due, double delay, Action action)
    {
        var timer = new Timer(this, due, action);
        timer.Arm(delay);
        return timer;
    }

    private sealed class Timer(RealTimeClock clock, double due, Action action) : IRunnable, IThreadPoolWorkItem, IClockTimer
    {
        private const int Pending = 0;
        private const int Started = 1;
        private const int Cancelled = 2;

        private int _state;
        private ICancelable? _registration;

        public void Arm(double delay)
        {
            var registration = new Cancelable(clock._scheduler);
            Volatile.Write(ref _registration, registration);
            clock._scheduler.Advanced.ScheduleOnce(TimeSpan.FromSeconds(delay), this, registration);
        }

        public bool Cancel()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Pending) != Pending)
            {
                return false;
            }

            // Frees the scheduler's slot; a firing that slips through still finds the timer cancelled.
            Volatile.Read(ref _registration)?.Cancel();
            return true;
        }

        // Called on the scheduler's thread: hand over to the thread pool at once.
        void IRunnable.Run() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

        void IThreadPoolWorkItem.Execute()
        {
            if (Volatile.Read(ref _state) != Pending)
            {
                return;
            }

            // The scheduler rounds to its ticks; never let an action see a time before its due time.
            var early = due - clock.Time;
            if (early > 0)
            {
                Arm(early);
                return;
            }

            if (Interlocked.CompareExchange(ref _state, Started, Pending) != Pending)
            {
                return;
            }

            try
            {
                action();
            }
            catch (Exception e)
            {
                clock._log.Error(e, "A clock action scheduled for t = {0} s failed.", due);
            }
        }
    }
}
