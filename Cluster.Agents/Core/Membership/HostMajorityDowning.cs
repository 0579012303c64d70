using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Cluster.Agents.Core.Membership;

/// <summary>
/// Runs on every node; the leader of each side of a partition decides for its side once the set of unreachable
/// members has not changed for <c>stable-after</c>, and downs what <see cref="HostMajority"/> says. Members only
/// others cannot reach wait for <c>indirectly-connected-after</c> instead.
/// </summary>
internal sealed class HostMajorityDowning : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeSpan _stableAfter;
    private readonly TimeSpan _indirectlyConnectedAfter;
    private readonly string _role;
    private readonly string _tieBreakerRole;
    private ImmutableHashSet<Address> _unreachable = [];
    private ImmutableHashSet<Address> _decidedFor = [];
    private DateTimeOffset _changedAt;

    public HostMajorityDowning(TimeSpan stableAfter, TimeSpan indirectlyConnectedAfter, string role, string tieBreakerRole)
    {
        _stableAfter = stableAfter;
        _indirectlyConnectedAfter = indirectlyConnectedAfter;
        _role = role;
        _tieBreakerRole = tieBreakerRole;
        Receive<ClusterEvent.IClusterDomainEvent>(_ => Observe());
        Receive<ClusterEvent.CurrentClusterState>(_ => Observe());
        Receive<Tick>(_ => Decide());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan stableAfter, TimeSpan indirectlyConnectedAfter, string role, string tieBreakerRole) =>
        Akka.Actor.Props.Create(() => new HostMajorityDowning(stableAfter, indirectlyConnectedAfter, role, tieBreakerRole)).WithDeploy(Deploy.Local);

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));
        Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, TickInterval);
        _changedAt = Now;
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private void Observe()
    {
        var unreachable = Unreachable();
        if (!unreachable.SetEquals(_unreachable))
        {
            // Every change restarts the wait: a decision is taken only on a picture that held still.
            _unreachable = unreachable;
            _changedAt = Now;
        }
    }

    private ImmutableHashSet<Address> Unreachable()
    {
        var state = _cluster.State;
        // The deciding node is on its own side by definition, even when another node cannot reach it.
        return [.. state.Unreachable.Where(m => m.Status is not (MemberStatus.Down or MemberStatus.Removed or MemberStatus.Exiting) && m.Address != _cluster.SelfAddress).Select(m => m.Address)];
    }

    private void Decide()
    {
        Observe();
        var state = _cluster.State;
        if (_unreachable.IsEmpty || Now < _changedAt + _stableAfter || state.Leader != _cluster.SelfAddress || _unreachable.SetEquals(_decidedFor))
        {
            return;
        }

        // Members this node cannot reach are the other side. Members only others cannot reach (this node reaches
        // them) are alive behind a lossy or one-way link between two others: TCP stalls for its retransmission
        // backoff (0.2, 0.6, 1.4, 3.0, 6.2 s) on such a link, longer than stable-after, then heals by itself.
        var direct = _unreachable.Where(a => !_cluster.FailureDetector.IsMonitoring(a) || !_cluster.FailureDetector.IsAvailable(a)).ToImmutableHashSet();
        var members = state.Members.Select(m => new MemberView(m.Address, m.Roles, m.Status)).ToList();
        ImmutableArray<Address> down;
        if (!direct.IsEmpty)
        {
            down = HostMajority.Decide(members, direct, _role, _tieBreakerRole);
        }
        else if (Now < _changedAt + _indirectlyConnectedAfter)
        {
            return;
        }
        else
        {
            // Left alone, they would block every membership change (no convergence): after indirectly-connected-after,
            // the one with the lowest address stays and the others go.
            down = [.. _unreachable.Order(HostMajority.AddressOrder.Instance).Skip(1)];
        }

        _decidedFor = _unreachable;
        if (down.IsEmpty)
        {
            return;
        }

        _log.Warning(
            "downing {0}{1}: {2} of {3} members unreachable ({4} from this node); hosts decide, Lighthouses break ties.",
            string.Join(", ", down),
            down.Contains(_cluster.SelfAddress) ? " (including this node: its side lost)" : string.Empty,
            _unreachable.Count,
            members.Count,
            direct.Count);

        // This node last: downing itself starts its shutdown.
        foreach (var address in down.OrderBy(a => a == _cluster.SelfAddress))
        {
            _cluster.Down(address);
        }
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();

        private Tick()
        {
        }
    }
}
