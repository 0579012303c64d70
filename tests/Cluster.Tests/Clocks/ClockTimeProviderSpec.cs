using System.Diagnostics;
using Akka.Configuration;
using Cluster.Agents.Core.Clocks;
using Polly;
using Polly.Retry;
using Xunit;

namespace Cluster.Tests.Clocks;

/// <summary>The clock as a <see cref="TimeProvider"/>: what the base library and Polly time with it follows the clock.</summary>
public sealed class ClockTimeProviderSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Never = Timeout.InfiniteTimeSpan;

    private readonly ExternalClock _clock = new(Start);

    public ClockTimeProviderSpec()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local"), "clock-time-provider-spec")
    {
    }

    [Fact]
    public async Task Task_delay_on_an_external_clock_completes_when_time_is_set_past_it()
    {
        var delay = Task.Delay(TimeSpan.FromSeconds(1), _clock);

        _clock.SetTime(0.9);
        Assert.False(delay.IsCompleted);
        Assert.Equal(1, _clock.PendingCount);

        _clock.SetTime(1.5);
        Assert.True(delay.IsCompletedSuccessfully);
        Assert.Equal(0, _clock.PendingCount);
        await delay.WaitAsync(Patience);
    }

    [Fact]
    public async Task Task_delay_on_an_external_clock_cancelled_by_its_token_is_cancelled_and_leaves_the_queue()
    {
        using var cts = new CancellationTokenSource();
        var delay = Task.Delay(TimeSpan.FromSeconds(1), _clock, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delay.WaitAsync(Patience));
        await AwaitAssertAsync(() => Assert.Equal(0, _clock.PendingCount), Patience);
        _clock.SetTime(2.0);
        Assert.True(delay.IsCanceled);
    }

    [Fact]
    public async Task A_periodic_timer_on_an_external_clock_ticks_only_when_time_is_set_past_each_period()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _clock);
        var first = timer.WaitForNextTickAsync().AsTask();

        _clock.SetTime(0.5);
        Assert.False(first.IsCompleted);
        _clock.SetTime(1.0);
        Assert.True(await first.WaitAsync(Patience));

        var second = timer.WaitForNextTickAsync().AsTask();
        _clock.SetTime(1.5);
        Assert.False(second.IsCompleted);
        _clock.SetTime(2.0);
        Assert.True(await second.WaitAsync(Patience));

        timer.Dispose();
        Assert.Equal(0, _clock.PendingCount);
        Assert.False(await timer.WaitForNextTickAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task A_periodic_timer_on_an_external_clock_reports_one_tick_for_a_jump_over_several_periods()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _clock);

        _clock.SetTime(5.0);

        Assert.True(await timer.WaitForNextTickAsync().AsTask().WaitAsync(Patience));
        var next = timer.WaitForNextTickAsync().AsTask();
        Assert.False(next.IsCompleted);
        Assert.Equal(6.0, _clock.NextDue);
        _clock.SetTime(6.0);
        Assert.True(await next.WaitAsync(Patience));
    }

    [Fact]
    public void A_cancellation_token_source_on_an_external_clock_cancels_when_time_reaches_its_delay()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2), _clock);

        _clock.SetTime(1.9);
        Assert.False(cts.IsCancellationRequested);

        _clock.SetTime(2.0);
        Assert.True(cts.IsCancellationRequested);
        Assert.Equal(0, _clock.PendingCount);
    }

    [Fact]
    public void CancelAfter_moves_the_deadline_of_a_cancellation_token_source_on_an_external_clock()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2), _clock);
        _clock.SetTime(1.0);

        cts.CancelAfter(TimeSpan.FromSeconds(3));

        Assert.Equal(1, _clock.PendingCount);
        Assert.Equal(4.0, _clock.NextDue);
        _clock.SetTime(3.9);
        Assert.False(cts.IsCancellationRequested);
        _clock.SetTime(4.0);
        Assert.True(cts.IsCancellationRequested);
    }

    [Fact]
    public void Timer_callbacks_and_clock_calls_run_in_due_order_with_ties_in_scheduling_order()
    {
        var order = new List<string>();
        _clock.CallAt(1.0, () => order.Add("call at 1"));
        using var atOne = _clock.CreateTimer(_ => order.Add("timer at 1"), null, TimeSpan.FromSeconds(1), Never);
        _clock.CallIn(0.5, () => order.Add("call at 0.5"));
        using var atHalf = _clock.CreateTimer(_ => order.Add("timer at 0.5"), null, TimeSpan.FromSeconds(0.5), Never);

        _clock.SetTime(2.0);

        Assert.Equal(["call at 0.5", "timer at 0.5", "call at 1", "timer at 1"], order);
    }

    [Fact]
    public void A_periodic_timer_callback_runs_at_every_period_however_far_one_SetTime_jumps()
    {
        var times = new List<double>();
        using var timer = _clock.CreateTimer(_ => times.Add(_clock.Time), null, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.25));

        _clock.SetTime(1.5);

        Assert.Equal([0.5, 0.75, 1.0, 1.25, 1.5], times);
        Assert.Equal(1.75, _clock.NextDue);
    }

    [Fact]
    public void Change_reschedules_a_timer_and_a_disposed_timer_never_calls_back()
    {
        var calls = new List<double>();
        var timer = _clock.CreateTimer(_ => calls.Add(_clock.Time), null, TimeSpan.FromSeconds(1), Never);

        Assert.True(timer.Change(TimeSpan.FromSeconds(3), Never));
        _clock.SetTime(2.0);
        Assert.Empty(calls);
        _clock.SetTime(3.0);
        Assert.Equal([3.0], calls);

        Assert.True(timer.Change(TimeSpan.FromSeconds(1), Never));
        timer.Dispose();
        _clock.SetTime(10.0);

        Assert.Equal([3.0], calls);
        Assert.Equal(0, _clock.PendingCount);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), Never));
    }

    [Fact]
    public void A_timer_with_a_zero_due_time_calls_back_at_once_without_the_clock_moving_then_every_period()
    {
        var calls = new List<double>();

        using var timer = _clock.CreateTimer(_ => calls.Add(_clock.Time), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        Assert.Equal([0.0], calls);
        Assert.Equal(1.0, _clock.NextDue);
        _clock.SetTime(2.0);
        Assert.Equal([0.0, 1.0, 2.0], calls);
    }

    [Fact]
    public void CreateTimer_refuses_a_negative_due_time_or_period_giving_the_value()
    {
        var dueTime = Assert.Throws<ArgumentOutOfRangeException>(() => _clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(-2), Never));
        var period = Assert.Throws<ArgumentOutOfRangeException>(() => _clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(-1)));

        Assert.Contains("dueTime must be zero, positive or Timeout.InfiniteTimeSpan, was -2 s", dueTime.Message, StringComparison.Ordinal);
        Assert.Contains("period must be zero, positive or Timeout.InfiniteTimeSpan, was -1 s", period.Message, StringComparison.Ordinal);
        Assert.Equal(0, _clock.PendingCount);
    }

    [Fact]
    public void Timestamps_and_utc_time_of_an_external_clock_follow_SetTime()
    {
        var started = _clock.GetTimestamp();

        _clock.SetTime(2.5);

        Assert.Equal(TimeSpan.FromSeconds(2.5), _clock.GetElapsedTime(started));
        Assert.Equal(Start.AddSeconds(2.5), _clock.GetUtcNow());
        Assert.Equal(_clock.UtcNow, _clock.GetUtcNow());
    }

    [Fact]
    public async Task A_Polly_retry_on_an_external_clock_waits_for_simulated_time_between_attempts()
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<InvalidOperationException>(),
                MaxRetryAttempts = 3,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
            })
            .Build();
        var attempts = 0;
        var run = pipeline.ExecuteAsync(_ =>
            Interlocked.Increment(ref attempts) < 3 ? throw new InvalidOperationException("not yet") : ValueTask.FromResult(_clock.Time)).AsTask();

        await AwaitAssertAsync(() => Assert.Equal(1.0, _clock.NextDue), Patience);
        _clock.SetTime(0.5);
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.False(run.IsCompleted);

        _clock.SetTime(1.0);
        await AwaitAssertAsync(() => Assert.Equal(2.0, _clock.NextDue), Patience);
        Assert.Equal(2, Volatile.Read(ref attempts));

        _clock.SetTime(2.0);
        Assert.Equal(2.0, await run.WaitAsync(Patience));
        Assert.Equal(3, Volatile.Read(ref attempts));
    }

    [Fact]
    public async Task Task_delay_on_a_real_clock_completes_once_its_time_has_passed()
    {
        var clock = new RealTimeClock(Sys);
        var due = clock.Time + 0.05;

        await Task.Delay(TimeSpan.FromMilliseconds(50), clock).WaitAsync(Patience);

        Assert.True(clock.Time >= due, $"the delay ended at {clock.Time} s, before its due time {due} s");
    }

    [Fact]
    public async Task A_periodic_timer_on_a_real_clock_ticks_repeatedly_until_disposed()
    {
        var clock = new RealTimeClock(Sys);
        var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), clock);

        Assert.True(await timer.WaitForNextTickAsync().AsTask().WaitAsync(Patience));
        Assert.True(await timer.WaitForNextTickAsync().AsTask().WaitAsync(Patience));
        timer.Dispose();

        Assert.False(await timer.WaitForNextTickAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task A_cancellation_token_source_on_a_real_clock_cancels_after_its_delay()
    {
        var clock = new RealTimeClock(Sys);
        var due = clock.Time + 0.05;
        var cancelled = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50), clock);
        using var registration = cts.Token.Register(() => cancelled.TrySetResult(clock.Time));

        Assert.True(await cancelled.Task.WaitAsync(Patience) >= due);
    }

    [Fact]
    public void A_real_clock_takes_its_timestamps_from_the_stopwatch()
    {
        var clock = new RealTimeClock(Sys);
        var started = clock.GetTimestamp();

        Assert.Equal(Stopwatch.Frequency, clock.TimestampFrequency);
        Assert.True(clock.GetElapsedTime(started) >= TimeSpan.Zero);
        Assert.True(clock.GetTimestamp() >= started);
    }
}
