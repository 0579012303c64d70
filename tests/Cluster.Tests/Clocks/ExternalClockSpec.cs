using Cluster.Agents.Core.Clocks;
using Xunit;

namespace Cluster.Tests.Clocks;

public sealed class ExternalClockSpec
{
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly ExternalClock _clock = new(Start);

    [Fact]
    public void SetTime_resolves_due_calls_in_order_of_due_time_then_scheduling()
    {
        var order = new List<string>();
        _clock.CallAt(0.3, () => order.Add("c@0.3"));
        _clock.CallIn(0.1, () => order.Add("a@0.1"));
        _clock.CallAt(0.2, () => order.Add("b1@0.2"));
        _clock.CallIn(TimeSpan.FromSeconds(0.2), () => order.Add("b2@0.2"));
        _clock.CallAt(Start.AddSeconds(0.2), () => order.Add("b3@0.2"));

        _clock.SetTime(1.0);

        Assert.Equal(["a@0.1", "b1@0.2", "b2@0.2", "b3@0.2", "c@0.3"], order);
    }

    [Fact]
    public void SetTime_leaves_calls_due_later_pending()
    {
        var ran = new List<double>();
        _clock.CallAt(1.0, () => ran.Add(1.0));
        _clock.CallAt(2.0, () => ran.Add(2.0));
        _clock.CallAt(3.0, () => ran.Add(3.0));

        _clock.SetTime(2.0);

        Assert.Equal([1.0, 2.0], ran);
        Assert.Equal(1, _clock.PendingCount);
        Assert.Equal(3.0, _clock.NextDue);

        _clock.SetTime(3.5);

        Assert.Equal([1.0, 2.0, 3.0], ran);
        Assert.Equal(0, _clock.PendingCount);
        Assert.Null(_clock.NextDue);
    }

    [Fact]
    public void Time_is_the_due_time_of_the_call_being_resolved_and_the_new_time_afterwards()
    {
        var seen = new List<double>();
        _clock.CallAt(0.25, () => seen.Add(_clock.Time));
        _clock.CallAt(0.75, () => seen.Add(_clock.Time));

        _clock.SetTime(2.0);

        Assert.Equal([0.25, 0.75], seen);
        Assert.Equal(2.0, _clock.Time);
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(4.5)]
    public void SetTime_to_a_time_not_later_than_now_throws_naming_both_times(double t)
    {
        _clock.SetTime(5.0);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _clock.SetTime(t));

        Assert.Contains($"t was {t:R} s", error.Message, StringComparison.Ordinal);
        Assert.Contains("the clock's time is 5 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(5.0, _clock.Time);
    }

    [Fact]
    public void SetTime_with_a_utc_time_advances_to_that_time()
    {
        var ran = false;
        _clock.CallAt(90.0, () => ran = true);

        _clock.SetTime(Start.AddMinutes(1.5));

        Assert.True(ran);
        Assert.Equal(90.0, _clock.Time);
        Assert.Equal(Start.AddMinutes(1.5), _clock.UtcNow);
    }

    [Fact]
    public void SetTime_with_a_utc_time_not_later_than_now_throws_naming_both_times()
    {
        _clock.SetTime(10.0);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _clock.SetTime(Start.AddSeconds(3)));

        Assert.Contains(Start.AddSeconds(3).ToString("O"), error.Message, StringComparison.Ordinal);
        Assert.Contains(Start.AddSeconds(10).ToString("O"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetTime_refuses_a_time_that_is_not_a_number()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.SetTime(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.SetTime(double.PositiveInfinity));
    }

    [Fact]
    public void UtcNow_is_the_utc_start_plus_the_clock_time()
    {
        var clock = new ExternalClock(Start, initTime: 100);

        Assert.Equal(100.0, clock.Time);
        Assert.Equal(Start.AddSeconds(100), clock.UtcNow);

        clock.SetTime(130.5);

        Assert.Equal(Start.AddSeconds(130.5), clock.UtcNow);
    }

    [Fact]
    public void Calls_scheduled_by_actions_within_the_window_run_in_the_same_SetTime_in_order()
    {
        var log = new List<(string Name, double Time)>();
        _clock.CallAt(0.5, () =>
        {
            log.Add(("first", _clock.Time));
            _clock.CallIn(0.25, () => log.Add(("child of first", _clock.Time)));
            _clock.CallAt(2.0, () => log.Add(("beyond the window", _clock.Time)));
        });
        _clock.CallAt(0.6, () => log.Add(("second", _clock.Time)));
        _clock.CallAt(0.75, () => log.Add(("scheduled earlier at the same time", _clock.Time)));

        _clock.SetTime(1.0);

        Assert.Equal(
            [("first", 0.5), ("second", 0.6), ("scheduled earlier at the same time", 0.75), ("child of first", 0.75)],
            log);
        Assert.Equal(1, _clock.PendingCount);
    }

    [Fact]
    public void A_call_that_rearms_itself_fires_every_period_in_a_single_jump()
    {
        var times = new List<double>();
        void Tick()
        {
            times.Add(_clock.Time);
            _clock.CallIn(0.5, Tick);
        }

        _clock.CallIn(0.5, Tick);
        _clock.SetTime(3.0);

        Assert.Equal([0.5, 1.0, 1.5, 2.0, 2.5, 3.0], times);
    }

    [Fact]
    public void Cancel_of_a_pending_call_returns_true_and_the_call_never_runs()
    {
        var ran = false;
        var timer = _clock.CallIn(1.0, () => ran = true);

        Assert.True(timer.Cancel());
        Assert.False(timer.Cancel());
        _clock.SetTime(5.0);

        Assert.False(ran);
        Assert.Equal(0, _clock.PendingCount);
    }

    [Fact]
    public void Cancel_after_the_call_ran_returns_false()
    {
        var runs = 0;
        var timer = _clock.CallIn(1.0, () => runs++);
        _clock.SetTime(1.0);

        Assert.False(timer.Cancel());
        Assert.Equal(1, runs);
    }

    [Fact]
    public void Cancel_from_an_earlier_action_in_the_same_SetTime_prevents_the_later_call()
    {
        var ran = false;
        var later = _clock.CallAt(0.8, () => ran = true);
        var cancelled = false;
        _clock.CallAt(0.4, () => cancelled = later.Cancel());

        _clock.SetTime(1.0);

        Assert.True(cancelled);
        Assert.False(ran);
    }

    [Fact]
    public async Task Cancel_racing_SetTime_on_another_thread_either_wins_and_the_call_never_runs_or_loses_because_it_ran()
    {
        const int count = 20_000;
        for (var round = 0; round < 10; round++)
        {
            var clock = new ExternalClock(Start);
            var ran = new int[count];
            var cancelled = new bool[count];
            var timers = new IClockTimer[count];
            for (var i = 0; i < count; i++)
            {
                var index = i;
                timers[i] = clock.CallAt(1.0 + (i * 1e-4), () => Interlocked.Increment(ref ran[index]));
            }

            // The canceller starts once the first call has run and chases the advance through the queue.
            var advancing = Task.Run(() => clock.SetTime(10.0));
            var cancelling = Task.Run(() =>
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref ran[0]) == 1);
                for (var i = 0; i < count; i++)
                {
                    cancelled[i] = timers[i].Cancel();
                }
            });
            await Task.WhenAll(advancing, cancelling).WaitAsync(TimeSpan.FromSeconds(30));

            for (var i = 0; i < count; i++)
            {
                Assert.Equal(cancelled[i] ? 0 : 1, ran[i]);
            }
        }
    }

    [Fact]
    public async Task Sleep_completes_when_the_clock_reaches_its_due_time_and_not_before()
    {
        var sleep = _clock.Sleep(TimeSpan.FromSeconds(1));
        var sleepSeconds = _clock.Sleep(2.0);
        var sleepUntil = _clock.SleepUntil(1.5);
        var sleepUntilUtc = _clock.SleepUntil(Start.AddSeconds(1.5));

        _clock.SetTime(0.9);
        Assert.False(sleep.IsCompleted);

        _clock.SetTime(1.5);
        await Task.WhenAll(sleep, sleepUntil, sleepUntilUtc).WaitAsync(Patience);
        Assert.False(sleepSeconds.IsCompleted);

        _clock.SetTime(2.0);
        await sleepSeconds.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_cancelled_sleep_is_cancelled_and_leaves_the_queue()
    {
        using var cts = new CancellationTokenSource();
        var sleep = _clock.Sleep(1.0, cts.Token);
        Assert.Equal(1, _clock.PendingCount);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleep.WaitAsync(Patience));
        Assert.True(sleep.IsCanceled);
        Assert.Equal(0, _clock.PendingCount);
        Assert.Null(_clock.NextDue);
        _clock.SetTime(2.0);
    }

    [Fact]
    public async Task A_sleep_with_an_already_cancelled_token_is_cancelled_and_never_queued()
    {
        var sleep = _clock.SleepUntil(1.0, new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleep.WaitAsync(Patience));
        Assert.Equal(0, _clock.PendingCount);
    }

    [Fact]
    public async Task A_sleep_whose_token_is_cancelled_after_it_completed_stays_completed()
    {
        using var cts = new CancellationTokenSource();
        var sleep = _clock.Sleep(1.0, cts.Token);
        _clock.SetTime(1.0);
        await cts.CancelAsync();

        await sleep.WaitAsync(Patience);
        Assert.True(sleep.IsCompletedSuccessfully);
    }

    [Fact]
    public void SetTime_runs_every_due_action_when_some_throw_then_throws_them_together_with_the_time_set()
    {
        var ran = new List<double>();
        _clock.CallAt(1.0, () => throw new InvalidOperationException("first failure"));
        _clock.CallAt(2.0, () => ran.Add(2.0));
        _clock.CallAt(3.0, () => throw new FormatException("second failure"));
        _clock.CallAt(4.0, () => ran.Add(4.0));
        _clock.CallAt(6.0, () => ran.Add(6.0));

        var error = Assert.Throws<AggregateException>(() => _clock.SetTime(5.0));

        Assert.Collection(
            error.InnerExceptions,
            e => Assert.Equal("first failure", Assert.IsType<InvalidOperationException>(e).Message),
            e => Assert.Equal("second failure", Assert.IsType<FormatException>(e).Message));
        Assert.Contains("5 s", error.Message, StringComparison.Ordinal);
        Assert.Equal([2.0, 4.0], ran);
        Assert.Equal(5.0, _clock.Time);
        Assert.Equal(1, _clock.PendingCount);

        _clock.SetTime(6.0);
        Assert.Equal([2.0, 4.0, 6.0], ran);
    }

    [Fact]
    public void An_action_may_not_advance_the_clock_it_runs_on()
    {
        _clock.CallAt(1.0, () => _clock.SetTime(1.5));

        var error = Assert.Throws<AggregateException>(() => _clock.SetTime(2.0));

        Assert.IsType<InvalidOperationException>(Assert.Single(error.InnerExceptions));
        Assert.Equal(2.0, _clock.Time);
    }

    [Fact]
    public void NextDue_lets_a_simulation_run_until_idle()
    {
        var ran = new List<double>();
        _clock.CallAt(3.0, () => ran.Add(_clock.Time));
        _clock.CallAt(1.0, () =>
        {
            ran.Add(_clock.Time);
            _clock.CallIn(0.5, () => ran.Add(_clock.Time));
        });

        while (_clock.NextDue is { } next)
        {
            _clock.SetTime(next);
        }

        Assert.Equal([1.0, 1.5, 3.0], ran);
    }

    [Fact]
    public void Cancelling_most_of_a_large_queue_keeps_the_remaining_calls_and_their_order()
    {
        var ran = new List<int>();
        var timers = new List<IClockTimer>();
        for (var i = 0; i < 1_000; i++)
        {
            var index = i;
            timers.Add(_clock.CallAt(1.0 + (i * 0.001), () => ran.Add(index)));
        }

        for (var i = 0; i < timers.Count; i++)
        {
            if (i % 100 != 0)
            {
                Assert.True(timers[i].Cancel());
            }
        }

        Assert.Equal(10, _clock.PendingCount);
        _clock.SetTime(10.0);

        Assert.Equal([0, 100, 200, 300, 400, 500, 600, 700, 800, 900], ran);
        Assert.Equal(0, _clock.PendingCount);
    }
}
