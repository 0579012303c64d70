using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Xunit;

namespace Cluster.Tests.Calls;

public sealed class WatchedTargetSpec
{
    private static PendingCall Call(CancellationTokenSource? abort = null) => new(ActorRefs.Nobody, abort);

    [Fact]
    public void Only_the_first_call_to_a_target_asks_for_a_watch()
    {
        var entry = new WatchedTarget();

        Assert.True(entry.TryAdd(Call(), out var first));
        Assert.True(entry.TryAdd(Call(), out var second));

        Assert.True(first);
        Assert.False(second);
    }

    [Fact]
    public void An_entry_is_retired_only_after_a_whole_sweep_without_calls()
    {
        var entry = new WatchedTarget();
        var call = Call();
        entry.TryAdd(call, out _);
        entry.Remove(call);

        Assert.False(entry.TryRetire());
        Assert.True(entry.TryRetire());
        Assert.False(entry.TryAdd(Call(), out _));
    }

    [Fact]
    public void An_entry_with_a_pending_call_is_never_retired()
    {
        var entry = new WatchedTarget();
        entry.TryAdd(Call(), out _);

        Assert.False(entry.TryRetire());
        Assert.False(entry.TryRetire());
        Assert.False(entry.TryRetire());
    }

    [Fact]
    public async Task Termination_fails_every_pending_call_and_closes_the_entry()
    {
        var entry = new WatchedTarget();
        using var abort = new CancellationTokenSource();
        var pending = Call(abort);
        var ended = Call();
        entry.TryAdd(pending, out _);
        entry.TryAdd(ended, out _);
        entry.Remove(ended);

        entry.Terminate(existed: true);

        Assert.True(await pending.Terminated.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(abort.IsCancellationRequested);
        Assert.False(ended.Terminated.IsCompleted);
        Assert.False(entry.TryAdd(Call(), out _));
    }
}
