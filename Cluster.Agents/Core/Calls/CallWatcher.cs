using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// The targets of this node's pending requests, each watched once however many calls to it are pending, so
/// that those calls fail as soon as their target terminates.
/// </summary>
/// <remarks>
/// A call registers itself in its target's entry and removes itself when it ends, without a message: only
/// the first call to a target asks <see cref="CallWatcher"/> to watch it. A watch on a remote actor costs a
/// system message each way, so a target stays watched until it has been idle for a whole sweep interval
/// (<see cref="CallWatcher.IdleUnwatch"/>) rather than being unwatched after every call.
/// </remarks>
internal sealed class CallWatches
{
    private readonly ConcurrentDictionary<IActorRef, WatchedTarget> _targets = new();
    private readonly IActorRef _watcher;

    public CallWatches(ActorSystem system) =>
        _watcher = ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new CallWatcher(this)), CallWatcher.Name);

    /// <summary>Registers a call to <paramref name="target"/>; end it with <see cref="End"/>.</summary>
    /// <param name="target">The call's target.</param>
    /// <param name="abort">Cancelled when the target terminates during the call.</param>
    /// <returns>The pending call.</returns>
    public PendingCall Begin(IActorRef target, CancellationTokenSource abort)
    {
        var call = new PendingCall(target, abort);
        while (true)
        {
            var entry = _targets.GetOrAdd(target, static _ => new WatchedTarget());
            if (entry.TryAdd(call, out var isFirst))
            {
                if (isFirst)
                {
                    _watcher.Tell(new CallWatcher.Watch(target, entry));
                }

                call.Entry = entry;
                return call;
            }

            // The entry was closed (its target terminated, or it was retired while idle): a fresh one watches again.
            _targets.TryRemove(new KeyValuePair<IActorRef, WatchedTarget>(target, entry));
        }
    }

    /// <summary>Ends a call registered with <see cref="Begin"/>.</summary>
    /// <param name="call">The call.</param>
    public static void End(PendingCall call) => call.Entry?.Remove(call);

    internal bool TryTake(IActorRef target, out WatchedTarget? entry) => _targets.TryRemove(target, out entry);

    internal IEnumerable<KeyValuePair<IActorRef, WatchedTarget>> Entries => _targets;

    internal bool TryRemove(IActorRef target, WatchedTarget entry) =>
        _targets.TryRemove(new KeyValuePair<IActorRef, WatchedTarget>(target, entry));
}

/// <summary>
/// Watches the targets of pending requests for <see cref="CallWatches"/> and fails those calls when their target
/// terminates, or its node is downed, quarantined or removed from the cluster. Lives at <c>/system/calls</c>, one per node.
/// </summary>
internal sealed class CallWatcher : ReceiveActor, IWithTimers
{
    public const string Name = "calls";

    public static readonly TimeSpan IdleUnwatch = TimeSpan.FromSeconds(30);

    public CallWatcher(CallWatches watches)
    {
        Receive<Watch>(watch => Context.Watch(watch.Target));
        Receive<Terminated>(terminated =>
        {
            if (watches.TryTake(terminated.ActorRef, out var entry))
            {
                entry!.Terminate(terminated.ExistenceConfirmed);
            }
        });
        // A downed or quarantined node never answers again (that incarnation of it): its calls fail now, not when the
        // node is removed from the cluster, which ends the watch too but a leader action later.
        Receive<QuarantinedEvent>(quarantined => FailCallsTo(watches, quarantined.Address));
        Receive<ClusterEvent.MemberDowned>(downed => FailCallsTo(watches, downed.Member.Address));
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<Sweep>(_ =>
        {
            foreach (var (actor, entry) in watches.Entries.ToList())
            {
                if (entry.TryRetire() && watches.TryRemove(actor, entry))
                {
                    Context.Unwatch(actor);
                }
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(nameof(Sweep), Sweep.Instance, IdleUnwatch);
        Context.System.EventStream.Subscribe(Self, typeof(QuarantinedEvent));
        if (IsCluster)
        {
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberDowned));
        }
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self, typeof(QuarantinedEvent));
        if (IsCluster)
        {
            Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        }
    }

    private bool IsCluster => ((ExtendedActorSystem)Context.System).Provider is Akka.Cluster.IClusterActorRefProvider;

    private static void FailCallsTo(CallWatches watches, Address node)
    {
        foreach (var (actor, _) in watches.Entries.Where(e => e.Key.Path.Address == node).ToList())
        {
            if (watches.TryTake(actor, out var entry))
            {
                Context.Unwatch(actor);
                entry!.Terminate(existed: true);
            }
        }
    }

    /// <summary>Starts watching <paramref name="Target"/>, whose pending calls are in <paramref name="Entry"/>.</summary>
    internal sealed record Watch(IActorRef Target, WatchedTarget Entry);

    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();

        private Sweep()
        {
        }
    }
}

/// <summary>The pending calls to one watched target; closed once the target terminates or the entry is retired.</summary>
internal sealed class WatchedTarget
{
    private readonly HashSet<PendingCall> _pending = [];
    private bool _closed;
    private bool _watchRequested;
    private bool _usedSinceSweep;

    /// <summary>Adds <paramref name="call"/> unless the entry is closed; <paramref name="isFirst"/> says the target must now be watched.</summary>
    public bool TryAdd(PendingCall call, out bool isFirst)
    {
        lock (_pending)
        {
            isFirst = false;
            if (_closed)
            {
                return false;
            }

            isFirst = !_watchRequested;
            _watchRequested = true;
            _usedSinceSweep = true;
            _pending.Add(call);
            return true;
        }
    }

    public void Remove(PendingCall call)
    {
        lock (_pending)
        {
            _pending.Remove(call);
        }
    }

    public void Terminate(bool existed)
    {
        PendingCall[] calls;
        lock (_pending)
        {
            _closed = true;
            calls = [.. _pending];
            _pending.Clear();
        }

        foreach (var call in calls)
        {
            call.SetTerminated(existed);
        }
    }

    /// <summary>Closes the entry if no call was pending or made since the previous sweep; says whether it is closed.</summary>
    public bool TryRetire()
    {
        lock (_pending)
        {
            if (_pending.Count == 0 && !_usedSinceSweep)
            {
                _closed = true;
            }

            _usedSinceSweep = false;
            return _closed;
        }
    }
}

/// <summary>One request waiting for its answer; completes <see cref="Terminated"/> if its target terminates first.</summary>
internal sealed class PendingCall(IActorRef target, CancellationTokenSource? abort = null)
{
    private readonly TaskCompletionSource<bool> _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IActorRef Target { get; } = target;

    /// <summary>Gets a task that completes, with whether the target was known to exist, when the target terminates.</summary>
    public Task<bool> Terminated => _terminated.Task;

    /// <summary>Gets or sets the watched target's entry the call is registered in.</summary>
    internal WatchedTarget? Entry { get; set; }

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
