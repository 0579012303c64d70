using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>
/// Answers the operator verbs on every node (Lighthouse and hosts) at the well-known path
/// <c>/user/operator</c>. The verbs reach it from a remote-only actor system that never joins the
/// cluster, so asking never changes the membership.
/// </summary>
public sealed class OperatorEndpoint : ReceiveActor
{
    /// <summary>The actor name under <c>/user</c>.</summary>
    public const string Name = "operator";

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly TimeProvider _time;
    private readonly Dictionary<UniqueAddress, DateTimeOffset> _upSince = [];

    /// <summary>Creates the endpoint.</summary>
    /// <param name="time">Where "up since" times come from.</param>
    public OperatorEndpoint(TimeProvider time)
    {
        _time = time;
        Receive<ClusterEvent.MemberUp>(up => _upSince.TryAdd(up.Member.UniqueAddress, _time.GetUtcNow()));
        Receive<ClusterEvent.MemberRemoved>(removed => _upSince.Remove(removed.Member.UniqueAddress));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<GetMembers>(_ => Sender.Tell(DescribeMembers()));
    }

    /// <summary>Creates the props of the endpoint.</summary>
    /// <param name="time">Where "up since" times come from.</param>
    /// <returns>The props.</returns>
    public static Props Props(TimeProvider time) => Akka.Actor.Props.Create(() => new OperatorEndpoint(time));

    /// <inheritdoc />
    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private MemberList DescribeMembers()
    {
        var state = _cluster.State;
        var members = state.Members
            .OrderBy(member => member.Address.ToString(), StringComparer.Ordinal)
            .Select(member => new MemberInfo(
                member.Address.ToString(),
                member.Status.ToString(),
                !state.Unreachable.Contains(member),
                [.. member.Roles.Order(StringComparer.Ordinal)],
                _upSince.TryGetValue(member.UniqueAddress, out var since) ? since : null))
            .ToImmutableArray();
        return new MemberList(_cluster.SelfAddress.ToString(), members);
    }
}
