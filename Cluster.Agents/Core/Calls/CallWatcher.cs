using Akka.Actor;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// Watches the targets of pending requests, one watch per target however many calls are pending, and fails
/// those calls when their target terminates. Lives at <c>/system/calls</c>, one per node.
/// </summary>
/// <remarks>
/// A watch on a remote actor costs a system message each way, so a target stays watched while it is idle
/// for <see cref="IdleUnwatch"/> rather than being unwatched after every call.
/// </remarks>
internal sealed class CallWatcher : ReceiveActor, IWithTimers
{
    public const string Name = "calls";

    private static readonly TimeSpan IdleUnwatch = TimeSpan.FromSeconds(30);

    private readonly Dictionary<IActorRef, Target> _targets = [];

    public CallWatcher()
    {
        Receive<Watch>(watch =>
        {
            if (!_targets.TryGetValue(watch.Call.Target, out var target))
            {
                target = new Target();
                _targets[watch.Call.Target] = target;
                Context.Watch(watch.Call.Target);
            }

            target.Pending.Add(watch.Call);
        });
        Receive<Done>(done =>
        {
            if (_targets.TryGetValue(done.Call.Target, out var target) && target.Pending.Remove(done.Call) && target.Pending.Count == 0)
            {
                target.IdleSince = Context.System.Scheduler.MonotonicClock;
            }
        });
        Receive<Terminated>(terminated =>
        {
            if (_targets.Remove(terminated.ActorRef, out var target))
            {
                foreach (var call in target.Pending)
                {
                    call.SetTerminated(terminated.ExistenceConfirmed);
                }
            }
        });
        Receive<Sweep>(_ =>
        {
            var now = Context.System.Scheduler.MonotonicClock;
            foreach (var (actor, target) in _targets.Where(pair => pair.Value.Pending.Count == 0 && now - pair.Value.IdleSince > IdleUnwatch).ToList())
            {
                _targets.Remove(actor);
                Context.Unwatch(actor);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(Sweep), Sweep.Instance, IdleUnwatch);

    /// <summary>Starts watching for <paramref name="Call"/>.</summary>
    internal sealed record Watch(PendingCall Call);

    /// <summary>The call has its answer (or gave up).</summary>
    internal sealed record Done(PendingCall Call);

    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();

        private Sweep()
        {
        }
    }

    private sealed class Target
    {
        public HashSet<PendingCall> Pending { get; } = [];

        public TimeSpan IdleSince { get; set; }
    }
}

/// <summary>One request waiting for its answer; completes <see cref="Terminated"/> if its target terminates first.</summary>
internal sealed class PendingCall(IActorRef target, CancellationTokenSource? abort = null)
{
    private readonly TaskCompletionSource<bool> _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IActorRef Target { get; } = target;

    /// <summary>Gets a task that completes, with whether the target was known to exist, when the target terminates.</summary>
    public Task<bool> Terminated => _terminated.Task;

    public void SetTerminated(bool existed)
    {
        _terminated.TrySetResult(existed);
        try
        {
            // Cancelling the caller's wait is what makes the call fail at once; the caller may have finished already.
            abort?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
