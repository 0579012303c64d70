using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Cluster.Host.Demo;

/// <summary>A demo agent that logs one line for every change of the cluster's membership and reachability.</summary>
public sealed class MembershipLogger : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Creates the agent.</summary>
    public MembershipLogger()
    {
        Receive<ClusterEvent.MemberUp>(e => _log.Info("member up: {0} [{1}]{2}", e.Member.Address, string.Join(",", e.Member.Roles), ThisNode(e.Member)));
        Receive<ClusterEvent.MemberJoined>(e => _log.Info("member joining: {0}", e.Member.Address));
        Receive<ClusterEvent.MemberLeft>(e => _log.Info("member leaving: {0}", e.Member.Address));
        Receive<ClusterEvent.MemberDowned>(e => _log.Info("member downed: {0}", e.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(e => _log.Info("member removed: {0} (was {1})", e.Member.Address, e.PreviousStatus));
        Receive<ClusterEvent.UnreachableMember>(e => _log.Warning("member unreachable: {0}", e.Member.Address));
        Receive<ClusterEvent.ReachableMember>(e => _log.Info("member reachable again: {0}", e.Member.Address));
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
    }

    /// <summary>Creates the props of the agent.</summary>
    /// <returns>The props.</returns>
    public static Props Props() => Akka.Actor.Props.Create(() => new MembershipLogger());

    /// <inheritdoc />
    protected override void PreStart() =>
        _cluster.Subscribe(
            Self,
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent),
            typeof(ClusterEvent.IReachabilityEvent));

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private string ThisNode(Member member) => member.Address == _cluster.SelfAddress ? " (this node)" : "";
}
