using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Paths;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Paths;

// Follows one state for one observer. It subscribes to the state's topic first and only then asks the owner for the
// current value, so no change falls between the two; versions drop what the answer already covers. The value turns
// Unknown when the owner stops or its node is removed (a watch), when the owner's node becomes unreachable (the
// observer's side of a cut), or when the registry no longer holds the path; a new owner is followed as soon as it
// announces itself or the registry shows it.
internal sealed class StateObserverActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private readonly string _path;
    private readonly ObservedState _state;
    private readonly Action<bool, object?> _changed;
    private readonly TaskCompletionSource<ObservedState> _ready;
    private readonly TimeSpan _callTimeout;
    private readonly NameRegistry _registry;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<IActorRef> _gone = [];
    private TopicSubscription? _subscription;
    private IActorRef? _owner;
    private long _version = -1;
    // whether what the observer was last told is the value of _version (not Unknown for an unreachable or silent owner)
    private bool _showing;
    private bool _isReady;
    private bool _ownerUnreachable;
    private int _registryMisses;

    public StateObserverActor(string path, ObservedState state, Action<bool, object?> changed, TaskCompletionSource<ObservedState> ready, TimeSpan callTimeout)
    {
        _path = path;
        _state = state;
        _changed = changed;
        _ready = ready;
        _callTimeout = callTimeout;
        _registry = NameRegistry.Get(Context.System);
        _cluster = Akka.Cluster.Cluster.Get(Context.System);

        Receive<TopicSubscription>(OnSubscribed);
        Receive<Status.Failure>(failure => Fail(failure.Cause));
        Receive<TopicMessage>(message =>
        {
            if (message.Payload is StateChanged changedMessage)
            {
                OnChanged(changedMessage);
            }
        });
        Receive<SnapshotArrived>(OnSnapshot);
        Receive<SnapshotFailed>(OnSnapshotFailed);
        Receive<Terminated>(terminated => OnOwnerGone(terminated.ActorRef));
        Receive<ClusterEvent.UnreachableMember>(OnUnreachable);
        Receive<ClusterEvent.ReachableMember>(OnReachable);
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<Check>(_ => CheckRegistry());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string path, ObservedState state, Action<bool, object?> changed, TaskCompletionSource<ObservedState> ready, TimeSpan callTimeout) =>
        Akka.Actor.Props.Create(() => new StateObserverActor(path, state, changed, ready, callTimeout));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IReachabilityEvent));
        TopicBus.Get(Context.System).SubscribeAsync(PathTopics.State(_path), Self).PipeTo(Self);
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _subscription?.DisposeAsync();
        _ready.TrySetException(new ObjectDisposedException($"the observation of '{_path}'", $"The observation of '{_path}' stopped before it started."));
    }

    private void OnSubscribed(TopicSubscription subscription)
    {
        _subscription = subscription;
        Timers.StartPeriodicTimer(nameof(Check), Check.Instance, CheckInterval);
        if (!_registry.TryLookup(_path, out var entry))
        {
            MarkReady();
            return;
        }

        if (!PathKinds.TryParse(entry.Kind, out var kind) || kind != PathKind.State)
        {
            Fail(new WrongTypeOfNodeException(_path, $"The path '{_path}' is {Describe(entry.Kind)}, not a state: it cannot be observed."));
            return;
        }

        Follow(entry.Owner);
    }

    private void Fail(Exception error)
    {
        if (!_isReady)
        {
            _ready.TrySetException(error);
            Context.Stop(Self);
            return;
        }

        _log.Warning("The observation of '{0}' failed: {1}", _path, error.Message);
    }

    private void Follow(IActorRef owner)
    {
        Adopt(owner);
        var self = Self;
        CallClient.Get(Context.System)
            .RequestAsync<StateSnapshot>(owner, new EndpointCall("observe", []), _callTimeout)
            .ContinueWith(
                call => call.IsCompletedSuccessfully ? new SnapshotArrived(owner, call.Result) : (object)new SnapshotFailed(owner, call.Exception?.GetBaseException()),
                TaskScheduler.Default)
            .PipeTo(self);
    }

    private void Adopt(IActorRef owner)
    {
        if (owner.Equals(_owner))
        {
            return;
        }

        if (_owner is not null)
        {
            Context.Unwatch(_owner);
        }

        _owner = owner;
        _version = -1;
        _showing = false;
        _ownerUnreachable = IsUnreachable(owner.Path.Address);
        _registryMisses = 0;
        Context.Watch(owner);
    }

    private void OnChanged(StateChanged change)
    {
        if (_gone.Contains(change.Owner))
        {
            return;
        }

        if (!change.Owner.Equals(_owner))
        {
            Adopt(change.Owner);
        }

        if (_ownerUnreachable || change.Version <= _version)
        {
            return;
        }

        _version = change.Version;
        Apply(change.Known, change.Value, TimeSpan.Zero);
        _showing = true;
    }

    private void OnSnapshot(SnapshotArrived arrived)
    {
        if (!arrived.Owner.Equals(_owner))
        {
            return;
        }

        // A snapshot of the version a change already showed is no news (the change and the answer to the snapshot
        // request can come in either order); after an Unknown for an unreachable owner, the same version is.
        if (arrived.Snapshot.Version > _version || (arrived.Snapshot.Version == _version && !_showing))
        {
            _version = arrived.Snapshot.Version;
            Apply(arrived.Snapshot.Known, arrived.Snapshot.Value, arrived.Snapshot.SinceChange);
            _showing = true;
        }

        MarkReady();
    }

    // The owner went away while asked (its Terminated follows), or did not answer in time: the value is not known.
    private void OnSnapshotFailed(SnapshotFailed failed)
    {
        if (!failed.Owner.Equals(_owner))
        {
            return;
        }

        _log.Debug("'{0}': the owner did not give the current value: {1}", _path, failed.Error?.Message);
        Apply(false, null, TimeSpan.Zero);
        _showing = false;
        MarkReady();
    }

    private void OnOwnerGone(IActorRef owner)
    {
        if (!owner.Equals(_owner))
        {
            return;
        }

        _gone.Add(owner);
        _owner = null;
        _version = -1;
        _showing = false;
        Apply(false, null, TimeSpan.Zero);
        MarkReady();
        if (_registry.TryLookup(_path, out var entry) && !_gone.Contains(entry.Owner) && IsState(entry))
        {
            Follow(entry.Owner);
        }
    }

    private void OnUnreachable(ClusterEvent.UnreachableMember unreachable)
    {
        if (_owner is not null && unreachable.Member.Address.Equals(_owner.Path.Address))
        {
            _ownerUnreachable = true;
            Apply(false, null, TimeSpan.Zero);
            _showing = false;
        }
    }

    private void OnReachable(ClusterEvent.ReachableMember reachable)
    {
        if (_owner is not null && _ownerUnreachable && reachable.Member.Address.Equals(_owner.Path.Address))
        {
            _ownerUnreachable = false;
            Follow(_owner);
        }
    }

    // A backstop to the watch and the announcements: follows the owner the registry shows, and lets go of an owner
    // whose name the registry dropped (twice in a row, so a registration still travelling is not mistaken for loss).
    private void CheckRegistry()
    {
        if (_registry.TryLookup(_path, out var entry) && IsState(entry))
        {
            _registryMisses = 0;
            if (!entry.Owner.Equals(_owner) && !_gone.Contains(entry.Owner))
            {
                Follow(entry.Owner);
            }

            return;
        }

        if (_owner is not null && ++_registryMisses >= 2)
        {
            OnOwnerGone(_owner);
        }
    }

    private void Apply(bool known, object? value, TimeSpan sinceChange)
    {
        var wasKnown = _state.Known;
        if (!known && !wasKnown)
        {
            return;
        }

        _state.Set(known, value, sinceChange);
        if (!_isReady)
        {
            return;
        }

        try
        {
            _changed(known, value);
        }
        catch (Exception e)
        {
            _log.Error(e, "An observer of '{0}' threw {1}: {2}", _path, e.GetType().Name, e.Message);
        }
    }

    private void MarkReady()
    {
        if (!_isReady)
        {
            _isReady = true;
            _ready.TrySetResult(_state);
        }
    }

    private bool IsUnreachable(Address address) => _cluster.State.Unreachable.Any(member => member.Address.Equals(address));

    private static bool IsState(RegistryEntry entry) => PathKinds.TryParse(entry.Kind, out var kind) && kind == PathKind.State;

    private static string Describe(string registryKind) =>
        PathKinds.TryParse(registryKind, out var kind) ? "a" + (kind == PathKind.Action || kind == PathKind.Event ? "n " : " ") + PathKinds.Describe(kind) : $"registered as '{registryKind}'";

    private sealed record SnapshotArrived(IActorRef Owner, StateSnapshot Snapshot);

    private sealed record SnapshotFailed(IActorRef Owner, Exception? Error);

    private sealed record Check
    {
        public static readonly Check Instance = new();
    }
}
