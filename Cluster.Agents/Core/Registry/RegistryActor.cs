using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Cluster.Contracts.Registry;

namespace Cluster.Agents.Core.Registry;

/// <summary>
/// The registry actor of one node, at <c>/system/name-registry</c>: it holds this node's registrations,
/// watches their owners, replicates them to the registries of the other members with the registry role,
/// applies theirs, and publishes the resolved view to <see cref="NameRegistry"/> after every change.
/// </summary>
internal sealed partial class RegistryActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under <c>/system</c>; the same on every node, so peers address it by path.</summary>
    public const string Name = "name-registry";

    private readonly NameRegistrySettings _settings;
    private readonly TimeProvider _time;
    private readonly Action<RegistryView> _publish;
    private readonly RegistryTable _table;
    private readonly string _self;
    private readonly Akka.Cluster.Cluster? _cluster;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, int> _watched = [];
    private ImmutableSortedDictionary<string, RegistryEntry> _published;
    private long _version;

    public RegistryActor(NameRegistrySettings settings, TimeProvider time, Address self, Action<RegistryView> publish)
    {
        _settings = settings;
        _time = time;
        _publish = publish;
        _table = new RegistryTable(self);
        _published = _table.View;
        _self = self.ToString();
        _cluster = Context.System is ExtendedActorSystem { Provider: IClusterActorRefProvider } ? Akka.Cluster.Cluster.Get(Context.System) : null;

        Receive<Register>(HandleRegister);
        Receive<Unregister>(HandleUnregister);
        Receive<Terminated>(HandleOwnerTerminated);

        Receive<ClusterEvent.MemberUp>(up => HandleMemberUp(up.Member));
        // A downed node never comes back (that incarnation of it): its names go now, as its calls fail now, so a new
        // call to one of them fails at once instead of waiting for the removal a leader action later.
        Receive<ClusterEvent.MemberDowned>(downed => HandleMemberGone(downed.Member, "downed"));
        Receive<ClusterEvent.MemberRemoved>(removed => HandleMemberGone(removed.Member, "removed from the cluster"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });

        Receive<RegistryNameAdded>(HandleAdded);
        Receive<RegistryNameRemoved>(HandleRemoved);
        Receive<RegistrySnapshot>(HandleSnapshot);
        Receive<RegistrySnapshotRequest>(HandleSnapshotRequest);
        Receive<RegistryDigest>(HandleDigest);
        Receive<DigestTick>(_ => Broadcast(new RegistryDigest(_self, _version)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NameRegistrySettings settings, TimeProvider time, Address self, Action<RegistryView> publish) =>
        Akka.Actor.Props.Create(() => new RegistryActor(settings, time, self, publish));

    protected override void PreStart()
    {
        if (_cluster is not null)
        {
            _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
            Timers.StartPeriodicTimer(nameof(DigestTick), DigestTick.Instance, _settings.DigestInterval);
        }
    }

    protected override void PostStop() => _cluster?.Unsubscribe(Self);

    private void HandleRegister(Register register)
    {
        var owner = register.Owner;
        if (!owner.Path.Address.HasLocalScope && owner.Path.Address != _table.Self)
        {
            Sender.Tell(new RegisterResult(null, new ArgumentException(
                $"Cannot register '{register.Name}': its owner {owner.Path} lives on another node; register it on its own node.",
                "owner")));
            return;
        }

        if (_table.Local.TryGetValue(register.Name, out var holder)
            || (!register.IgnoreRemote && _table.View.TryGetValue(register.Name, out holder)))
        {
            Sender.Tell(new RegisterResult(null, new DuplicateNameException(register.Name, holder)));
            return;
        }

        var entry = new RegistryEntry(register.Name, register.Kind, owner, _table.Self, register.RegisteredAt ?? _time.GetUtcNow());
        var lost = _table.Set(_table.Self, entry);
        Hold(owner);
        _version++;
        Broadcast(new RegistryNameAdded(_self, _version, ToRecord(entry)));
        Sender.Tell(new RegisterResult(entry, null));
        Revoke(lost);
        Publish();
    }

    private void HandleUnregister(Unregister unregister)
    {
        if (_table.Local.TryGetValue(unregister.Name, out var entry) && (unregister.Expected is null || entry == unregister.Expected))
        {
            Withdraw(entry);
            Publish();
            Sender.Tell(true);
        }
        else
        {
            Sender.Tell(false);
        }
    }

    private void HandleOwnerTerminated(Terminated terminated)
    {
        _watched.Remove(terminated.ActorRef);
        var owned = _table.Local.Values.Where(entry => entry.Owner.Equals(terminated.ActorRef)).ToList();
        foreach (var entry in owned)
        {
            _log.Debug("Unregistering {0}: its owner stopped.", entry);
            Withdraw(entry, release: false);
        }

        Publish();
    }

    private void HandleMemberUp(Member member)
    {
        if (member.Address == _table.Self || !HasRegistryRole(member))
        {
            return;
        }

        var key = member.Address.ToString();
        if (!_peers.TryGetValue(key, out var peer))
        {
            var path = new RootActorPath(member.Address) / "system" / Name;
            peer = new Peer(member.Address, ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(path));
            _peers[key] = peer;
        }

        // Both sides do this when they see each other Up; whichever registry is already running gets the
        // other's set, and the request makes the other send its set back once it runs too.
        peer.Registry.Tell(Snapshot());
        RequestSnapshot(peer);
    }

    private void HandleMemberGone(Member member, string how)
    {
        _peers.Remove(member.Address.ToString());
        var dropped = _table.EntriesOf(member.Address).Count;
        _table.Drop(member.Address);
        // This node's own removal is its shutdown, not news.
        if (dropped > 0 && member.Address != Akka.Cluster.Cluster.Get(Context.System).SelfAddress)
        {
            _log.Info("Dropped {0} registration(s) of {1}: it was {2}.", dropped, member.Address, how);
        }

        Publish();
    }

    private void HandleAdded(RegistryNameAdded added)
    {
        if (!_peers.TryGetValue(added.Node ?? string.Empty, out var peer) || !TryEntry(added.Record, peer.Address, out var entry))
        {
            return;
        }

        Revoke(_table.Set(peer.Address, entry));
        Track(peer, added.Version);
        Publish();
    }

    private void HandleRemoved(RegistryNameRemoved removed)
    {
        if (!_peers.TryGetValue(removed.Node ?? string.Empty, out var peer) || removed.Name is null)
        {
            return;
        }

        Revoke(_table.Remove(peer.Address, removed.Name));
        Track(peer, removed.Version);
        Publish();
    }

    private void HandleSnapshot(RegistrySnapshot snapshot)
    {
        if (!_peers.TryGetValue(snapshot.Node ?? string.Empty, out var peer))
        {
            return;
        }

        var entries = new List<RegistryEntry>();
        foreach (var record in snapshot.Records.IsDefault ? [] : snapshot.Records)
        {
            if (TryEntry(record, peer.Address, out var entry))
            {
                entries.Add(entry);
            }
        }

        Revoke(_table.Replace(peer.Address, entries));
        peer.Known = snapshot.Version;
        peer.SyncRequested = false;
        Publish();
    }

    private void HandleSnapshotRequest(RegistrySnapshotRequest request)
    {
        if (_peers.TryGetValue(request.Node ?? string.Empty, out var peer))
        {
            peer.Registry.Tell(Snapshot());
        }
    }

    private void HandleDigest(RegistryDigest digest)
    {
        if (_peers.TryGetValue(digest.Node ?? string.Empty, out var peer) && peer.Known != digest.Version)
        {
            RequestSnapshot(peer);
        }
    }

    // Changes of one peer arrive in order; a version that does not follow the last one means a change
    // was lost on the way, so the whole set is fetched again.
    private void Track(Peer peer, long version)
    {
        if (peer.Known >= 0 && version == peer.Known + 1)
        {
            peer.Known = version;
        }
        else if (!peer.SyncRequested)
        {
            RequestSnapshot(peer);
        }
    }

    private void RequestSnapshot(Peer peer)
    {
        peer.Known = -1;
        peer.SyncRequested = true;
        peer.Registry.Tell(new RegistrySnapshotRequest(_self));
    }

    private void Revoke(IReadOnlyList<(RegistryEntry Lost, RegistryEntry Winner)> lost)
    {
        foreach (var (entry, winner) in lost)
        {
            _log.Warning("Revoked {0} (owner {1}): {2} registered the same name earlier.", entry, entry.Owner.Path, winner);
            Withdraw(entry);
            entry.Owner.Tell(new RegistrationRevoked(entry.Name, winner));
        }
    }

    private void Withdraw(RegistryEntry entry, bool release = true)
    {
        _table.Remove(_table.Self, entry.Name);
        if (release)
        {
            Release(entry.Owner);
        }

        _version++;
        Broadcast(new RegistryNameRemoved(_self, _version, entry.Name));
    }

    private void Hold(IActorRef owner)
    {
        if (_watched.TryGetValue(owner, out var count))
        {
            _watched[owner] = count + 1;
        }
        else
        {
            _watched[owner] = 1;
            Context.Watch(owner);
        }
    }

    private void Release(IActorRef owner)
    {
        if (!_watched.TryGetValue(owner, out var count))
        {
            return;
        }

        if (count > 1)
        {
            _watched[owner] = count - 1;
        }
        else
        {
            _watched.Remove(owner);
            Context.Unwatch(owner);
        }
    }

    private void Broadcast(object message)
    {
        foreach (var peer in _peers.Values)
        {
            peer.Registry.Tell(message);
        }
    }

    private void Publish()
    {
        var view = _table.View;
        if (!ReferenceEquals(view, _published))
        {
            _published = view;
            _publish(new RegistryView(view));
        }
    }

    private RegistrySnapshot Snapshot() =>
        new(_self, _version, [.. _table.Local.Values.Select(ToRecord)]);

    private bool HasRegistryRole(Member member) =>
        string.IsNullOrEmpty(_settings.Role) || member.HasRole(_settings.Role);

    private static RegistryRecord ToRecord(RegistryEntry entry) => new(entry.Name, entry.Kind, entry.Owner, entry.RegisteredAt);

    // Wire input is checked, not trusted: a malformed record is skipped rather than crashing the registry.
    private static bool TryEntry(RegistryRecord? record, Address node, out RegistryEntry entry)
    {
        if (record is { Name: not null, Kind: not null, Owner: not null })
        {
            entry = new RegistryEntry(record.Name, record.Kind, record.Owner, node, record.RegisteredAt);
            return true;
        }

        entry = null!;
        return false;
    }

    private sealed class Peer(Address address, IActorRef registry)
    {
        public Address Address { get; } = address;

        public IActorRef Registry { get; } = registry;

        public long Known { get; set; } = -1;

        public bool SyncRequested { get; set; }
    }
}
