using Cluster.Agents.Core.Clocks;
using Xunit;

namespace Cluster.Tests.Clocks;

public sealed class ClockScheduleSpec
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly ExternalClock _clock = new(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<Exception> _errors = [];

    [Fact]
    public void Every_100_ms_fires_exactly_10_times_over_one_simulated_second_advanced_in_steps_of_50_ms()
    {
        var ticks = 0;
        _clock.Every(Period, () => ticks++, _errors.Add);

        for (var step = 1; step <= 20; step++)
        {
            _clock.SetTime(step * 0.05);
        }

        Assert.Equal(10, ticks);
        Assert.Empty(_errors);
    }

    [Fact]
    public void Every_100_ms_fires_exactly_10_times_over_one_simulated_second_advanced_in_one_jump()
    {
        var ticks = 0;
        _clock.Every(Period, () => ticks++, _errors.Add);

        _clock.SetTime(1.0);

        Assert.Equal(10, ticks);
        Assert.Empty(_errors);
    }

    [Fact]
    public void Ticks_fall_on_multiples_of_the_period_after_the_start_without_drift()
    {
        _clock.SetTime(0.05);
        var times = new List<double>();
        _clock.Every(TimeSpan.FromSeconds(0.25), () => times.Add(_clock.Time), _errors.Add);

        _clock.SetTime(0.3);
        _clock.SetTime(0.31);
        _clock.SetTime(1.0);
        _clock.SetTime(100.0);

        Assert.Equal(399, times.Count);
        for (var n = 1; n <= times.Count; n++)
        {
            Assert.Equal(0.05 + (n * 0.25), times[n - 1]);
        }
    }

    [Fact]
    public void An_exception_in_a_tick_is_reported_and_the_schedule_continues()
    {
        var ticks = 0;
        _clock.Every(
            Period,
            () =>
            {
                if (++ticks % 2 == 0)
                {
                    throw new InvalidOperationException($"tick {ticks} failed");
                }
            },
            _errors.Add);

        _clock.SetTime(1.0);

        Assert.Equal(10, ticks);
        Assert.Equal(["tick 2 failed", "tick 4 failed", "tick 6 failed", "tick 8 failed", "tick 10 failed"], _errors.Select(e => e.Message));
    }

    [Fact]
    public void An_error_callback_that_throws_reaches_the_clock_and_the_schedule_still_continues()
    {
        var ticks = 0;
        _clock.Every(Period, () => { ticks++; throw new InvalidOperationException("tick"); }, e => throw new FormatException("callback", e));

        var error = Assert.Throws<AggregateException>(() => _clock.SetTime(0.35));

        Assert.Equal(3, ticks);
        Assert.Equal(3, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, e => Assert.IsType<FormatException>(e));
    }

    [Fact]
    public void Cancel_stops_the_schedule_and_reports_whether_it_was_running()
    {
        var ticks = 0;
        var schedule = _clock.Every(Period, () => ticks++, _errors.Add);
        _clock.SetTime(0.35);

        Assert.True(schedule.Cancel());
        Assert.False(schedule.Cancel());
        _clock.SetTime(5.0);

        Assert.Equal(3, ticks);
        Assert.Equal(0, _clock.PendingCount);
    }

    [Fact]
    public void A_tick_can_cancel_its_own_schedule()
    {
        var ticks = 0;
        IClockTimer? schedule = null;
        schedule = _clock.Every(
            Period,
            () =>
            {
                if (++ticks == 4)
                {
                    schedule!.Cancel();
                }
            },
            _errors.Add);

        _clock.SetTime(2.0);

        Assert.Equal(4, ticks);
        Assert.Equal(0, _clock.PendingCount);
    }

    [Fact]
    public void A_tick_that_overruns_its_period_skips_the_missed_ticks_instead_of_bursting()
    {
        // Time jumps by 0.25 s during the second tick, as a slow tick would on a real clock.
        var clock = new SkewedClock(_clock);
        var times = new List<double>();
        clock.Every(
            Period,
            () =>
            {
                times.Add(clock.Time);
                if (times.Count == 2)
                {
                    clock.Skew = 0.25;
                }
            },
            _errors.Add);

        _clock.SetTime(0.46);

        Assert.Equal([0.1, 0.2, 0.5, 0.6, 0.7], times.Select(t => Math.Round(t, 9)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    public void Every_refuses_a_period_that_is_not_positive(int milliseconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => _clock.Every(TimeSpan.FromMilliseconds(milliseconds), () => { }, _errors.Add));

        Assert.Contains($"period must be positive, was {milliseconds / 1000.0} s", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A clock running <see cref="Skew"/> seconds ahead of an external clock.</summary>
    private sealed class SkewedClock(ExternalClock inner) : Clock
    {
        public double Skew { get; set; }

        public override double Time => inner.Time + Skew;

        public override DateTimeOffset GetUtcNow() => inner.UtcNow.AddSeconds(Skew);

        protected override IClockTimer ScheduleCore(double due, double delay, Action action) => inner.CallAt(due - Skew, action);
    }
}
