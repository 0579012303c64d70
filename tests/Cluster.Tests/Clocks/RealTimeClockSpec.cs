using Akka.Configuration;
using Akka.Event;
using Cluster.Agents.Core.Clocks;
using Xunit;

namespace Cluster.Tests.Clocks;

public sealed class RealTimeClockSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly RealTimeClock _clock;

    public RealTimeClockSpec()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local"), "real-time-clock-spec")
    {
        _clock = new RealTimeClock(Sys);
    }

    [Fact]
    public async Task CallIn_runs_the_action_once_its_due_time_has_come()
    {
        var fired = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var due = _clock.Time + 0.05;

        _clock.CallIn(TimeSpan.FromMilliseconds(50), () => fired.TrySetResult(_clock.Time));

        Assert.True(await fired.Task.WaitAsync(Patience) >= due);
    }

    [Fact]
    public async Task CallAt_with_a_utc_time_runs_the_action()
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        _clock.CallAt(_clock.UtcNow.AddMilliseconds(30), () => fired.TrySetResult());

        await fired.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_cancelled_call_never_runs_while_a_later_call_does()
    {
        var cancelledRan = false;
        var fence = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = _clock.CallIn(0.05, () => cancelledRan = true);

        Assert.True(cancelled.Cancel());
        _clock.CallIn(0.2, () => fence.TrySetResult());
        await fence.Task.WaitAsync(Patience);

        Assert.False(Volatile.Read(ref cancelledRan));
        Assert.False(cancelled.Cancel());
    }

    [Fact]
    public async Task Cancel_after_the_call_ran_returns_false()
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timer = _clock.CallIn(0.01, () => fired.TrySetResult());
        await fired.Task.WaitAsync(Patience);

        Assert.False(timer.Cancel());
    }

    [Fact]
    public async Task Sleep_completes_once_its_due_time_has_come()
    {
        var due = _clock.Time + 0.05;

        await _clock.Sleep(TimeSpan.FromMilliseconds(50)).WaitAsync(Patience);

        Assert.True(_clock.Time >= due);
        await _clock.SleepUntil(_clock.Time + 0.02).WaitAsync(Patience);
    }

    [Fact]
    public async Task A_cancelled_sleep_throws_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        var sleep = _clock.Sleep(TimeSpan.FromMinutes(10), cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleep.WaitAsync(Patience));
        Assert.True(sleep.IsCanceled);
    }

    [Fact]
    public void Time_is_monotonic()
    {
        var previous = _clock.Time;
        for (var i = 0; i < 100_000; i++)
        {
            var now = _clock.Time;
            Assert.True(now >= previous, $"time went back from {previous} to {now}");
            previous = now;
        }
    }

    [Fact]
    public void UtcNow_comes_from_the_injected_time_provider()
    {
        var fixedTime = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var clock = new RealTimeClock(Sys, new FixedTimeProvider(fixedTime));

        Assert.Equal(fixedTime, clock.UtcNow);
    }

    [Fact]
    public async Task An_action_that_throws_is_logged_and_other_calls_still_run()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        var fence = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        _clock.CallIn(0.01, () => throw new InvalidOperationException("boom"));
        _clock.CallIn(0.05, () => fence.TrySetResult());

        var logged = await errors.ExpectMsgAsync<Error>(Patience);
        Assert.Equal("boom", logged.Cause.Message);
        await fence.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task Every_ticks_repeatedly_and_no_tick_starts_after_it_is_cancelled()
    {
        var ticks = 0;
        IClockTimer? schedule = null;
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        schedule = _clock.Every(
            TimeSpan.FromMilliseconds(20),
            () =>
            {
                if (Interlocked.Increment(ref ticks) == 3)
                {
                    cancelled.TrySetResult(Volatile.Read(ref schedule)!.Cancel());
                }
            },
            e => cancelled.TrySetException(e));

        Assert.True(await cancelled.Task.WaitAsync(Patience));
        var fence = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _clock.CallIn(0.1, () => fence.TrySetResult());
        await fence.Task.WaitAsync(Patience);

        Assert.Equal(3, Volatile.Read(ref ticks));
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
