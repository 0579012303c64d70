using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace FaultAgents;

/// <summary>Logs every membership and reachability change with its wall-clock time in Unix milliseconds.</summary>
public sealed class MembershipTimes : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public MembershipTimes()
    {
        Receive<ClusterEvent.MemberUp>(e => Report("up", e.Member.Address));
        Receive<ClusterEvent.MemberDowned>(e => Report("downed", e.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(e => Report("removed", e.Member.Address));
        Receive<ClusterEvent.UnreachableMember>(e => Report("unreachable", e.Member.Address));
        Receive<ClusterEvent.ReachableMember>(e => Report("reachable", e.Member.Address));
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Report(string what, Address address) =>
        _log.Info("membership {0} {1}:{2} t={3}", what, address.Host, address.Port, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
}
