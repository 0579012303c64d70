using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Paths;
using Xunit;

namespace Cluster.Tests.Paths;

public sealed class SerialTaskRunnerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ExternalClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public SerialTaskRunnerSpec()
        : base(LocalNode.Config, "serial-task-runner")
    {
    }

    [Fact]
    public async Task Tasks_run_one_after_another_in_the_order_they_were_given()
    {
        await using var runner = new SerialTaskRunner(_clock);
        var log = new List<string>();
        var running = 0;
        var overlapped = false;
        for (var i = 0; i < 5; i++)
        {
            var n = i;
            runner.Run(async _ =>
            {
                overlapped |= Interlocked.Increment(ref running) > 1;
                await Task.Yield();
                lock (log)
                {
                    log.Add($"task {n}");
                }

                Interlocked.Decrement(ref running);
            });
        }

        await AwaitAssertAsync(() => Assert.Equal(5, runner.Completed), Wait);
        Assert.Equal(["task 0", "task 1", "task 2", "task 3", "task 4"], log);
        Assert.False(overlapped);
    }

    [Fact]
    public async Task Only_latest_skips_the_waiting_tasks_but_the_last()
    {
        await using var runner = new SerialTaskRunner(_clock, new SerialTaskOptions { OnlyLatest = true });
        var release = new TaskCompletionSource();
        var ran = new List<int>();
        runner.Run(async _ =>
        {
            ran.Add(1);
            await release.Task;
        });
        await AwaitAssertAsync(() => Assert.Equal(1, runner.Attempts), Wait);

        foreach (var n in new[] { 2, 3, 4 })
        {
            runner.Run(_ =>
            {
                ran.Add(n);
                return Task.CompletedTask;
            });
        }

        release.SetResult();

        await AwaitAssertAsync(() => Assert.Equal(2, runner.Completed), Wait);
        Assert.Equal([1, 4], ran);
        Assert.Equal(2, runner.Skipped);
    }

    [Fact]
    public async Task A_failed_task_is_retried_after_delays_that_grow_by_the_multiplier_up_to_the_maximum_on_the_clock()
    {
        var errors = new List<string>();
        await using var runner = new SerialTaskRunner(
            _clock,
            new SerialTaskOptions { Retry = true, RetryStart = TimeSpan.FromSeconds(2), RetryMultiplier = 3, RetryEnd = TimeSpan.FromSeconds(10) },
            e => { lock (errors) { errors.Add(e.Message); } });
        var runs = 0;
        runner.Run(_ => ++runs <= 3 ? throw new IOException($"attempt {runs} failed") : Task.CompletedTask);

        // Delays of 2 s, 6 s, then 10 s (18 s capped): the runs come at clock times 0, 2, 8 and 18.
        foreach (var (before, at, attempts) in new[] { (1.9, 2.0, 2L), (7.9, 8.0, 3L), (17.9, 18.0, 4L) })
        {
            await AwaitAssertAsync(() => Assert.Equal(1, _clock.PendingCount), Wait);
            _clock.SetTime(before);
            Assert.Equal(attempts - 1, runner.Attempts);
            _clock.SetTime(at);
            await AwaitAssertAsync(() => Assert.Equal(attempts, runner.Attempts), Wait);
        }

        await AwaitAssertAsync(() => Assert.Equal(1, runner.Completed), Wait);
        Assert.Equal(["attempt 1 failed", "attempt 2 failed", "attempt 3 failed"], errors);
    }

    [Fact]
    public async Task Assume_failed_repeats_a_task_that_succeeds_until_a_newer_one_replaces_it()
    {
        await using var runner = new SerialTaskRunner(
            _clock,
            new SerialTaskOptions { Retry = true, OnlyLatest = true, AssumeFailed = true, RetryStart = TimeSpan.FromSeconds(1), RetryEnd = TimeSpan.FromSeconds(1) });
        var sent = new List<string>();
        runner.Run(_ =>
        {
            lock (sent)
            {
                sent.Add("old");
            }

            return Task.CompletedTask;
        });
        await AwaitAssertAsync(() => Assert.Equal(1, _clock.PendingCount), Wait);
        _clock.SetTime(1);
        await AwaitAssertAsync(() => Assert.Equal(2, runner.Attempts), Wait);

        runner.Run(_ =>
        {
            lock (sent)
            {
                sent.Add("new");
            }

            return Task.CompletedTask;
        });

        await AwaitAssertAsync(() => Assert.Equal(["old", "old", "new"], Copy(sent)), Wait);
        Assert.Equal(0, runner.Completed);
    }

    [Fact]
    public void Assume_failed_without_retry_and_only_latest_is_refused_naming_the_options()
    {
        var error = Assert.Throws<ArgumentException>(() => new SerialTaskRunner(_clock, new SerialTaskOptions { AssumeFailed = true }));

        Assert.Contains("AssumeFailed needs Retry and OnlyLatest", error.Message, StringComparison.Ordinal);
    }

    private static List<string> Copy(List<string> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}
