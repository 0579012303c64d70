using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Remote;
using Cluster.Contracts.Topics;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The node's half of the topic bus, at <c>/system/topic-bus</c>: it holds the node's subscriptions,
/// subscribes each route once to the pub-sub mediator through a <see cref="RouteSink"/> that fans every
/// arriving message out to the route's local subscriptions, keeps the cluster-wide set of glob patterns, and runs the probes that confirm a
/// new subscription is reachable from every node.
/// </summary>
internal sealed class TopicBusActor : ReceiveActor, IWithTimers
{
    private static readonly object RefreshPatterns = new();
    private static readonly object SendProbes = new();

    private readonly TopicBus _bus;
    private readonly IActorRef _mediator;
    private readonly AkkaSerializer _serializer;
    private readonly TopicSettings _settings;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly string? _pubSubRole;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // route -> this node's subscriptions on it
    private readonly Dictionary<string, List<TopicSubscription>> _subscriptions = new(StringComparer.Ordinal);
    // routes the mediator has acknowledged subscribing
    private readonly HashSet<string> _mediatorRoutes = new(StringComparer.Ordinal);
    // route -> what the mediator delivers it to, from Subscribe until Unsubscribe
    private readonly Dictionary<string, RouteSink> _sinks = new(StringComparer.Ordinal);
    // route -> who waits for its subscription, while the mediator's SubscribeAck is awaited
    private readonly Dictionary<string, List<IActorRef>> _awaitingAck = new(StringComparer.Ordinal);
    // route -> nodes yet to confirm, and who waits for that
    private readonly Dictionary<string, PendingConfirmation> _confirming = new(StringComparer.Ordinal);
    // probes this node publishes for other nodes' new subscriptions: (requester, route) -> until when
    private readonly Dictionary<(IActorRef Requester, string Route), Deadline> _probing = [];
    // glob patterns: as the mediator reports them, and as announced by probe requests (ahead of gossip)
    private HashSet<string> _mediatorPatterns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Deadline> _announcedPatterns = new(StringComparer.Ordinal);

    public TopicBusActor(TopicBus bus, IActorRef mediator, AkkaSerializer serializer, TopicSettings settings)
    {
        _bus = bus;
        _mediator = mediator;
        _serializer = serializer;
        _settings = settings;
        var role = Context.System.Settings.Config.GetString("akka.cluster.pub-sub.role", "");
        _pubSubRole = string.IsNullOrEmpty(role) ? null : role;

        Receive<Subscribe>(HandleSubscribe);
        Receive<Unsubscribe>(HandleUnsubscribe);
        Receive<SubscribeAck>(ack => OnMediatorAck(ack.Subscribe.Topic));
        Receive<UnsubscribeAck>(_ => { });
        Receive<Terminated>(t => RemoveSubscriber(t.ActorRef));
        Receive<RouteProbe>(OnProbe);
        Receive<ProbeRoute>(request =>
        {
            _bus.LaneInternals?.AddRoute(Sender.Path.Address.ToString(), request.Route);
            StartProbing(request);
        });
        Receive<ClusterEvent.MemberUp>(up => OnMemberUp(up.Member));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            _bus.LaneInternals?.RemovePeer(removed.Member.Address.ToString());
            _bus.PeerLeft(removed.Member.Address.ToString());
        });
        Receive<LaneHello>(OnLaneHello);
        Receive<RouteLeft>(left => _bus.LaneInternals?.RemoveRoute(Sender.Path.Address.ToString(), left.Route));
        Receive<RouteProbeArrived>(arrived => _probing.Remove((Sender, arrived.Route)));
        Receive<ConfirmationTimedOut>(OnConfirmationTimedOut);
        Receive<CurrentTopics>(OnCurrentTopics);
        ReceiveAny(message => HandleTimer(message));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TopicBus bus, IActorRef mediator, AkkaSerializer serializer, TopicSettings settings) =>
        Akka.Actor.Props.Create(() => new TopicBusActor(bus, mediator, serializer, settings));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(RefreshPatterns, RefreshPatterns, _settings.PatternRefreshInterval);
        if (_bus.LaneInternals is not null)
        {
            _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));
        }
    }

    protected override void PostStop()
    {
        if (_bus.LaneInternals is not null)
        {
            _cluster.Unsubscribe(Self);
        }
    }

    private bool IsPeer(Member member) =>
        member.Address != _cluster.SelfAddress && (_pubSubRole is null || member.HasRole(_pubSubRole));

    // Tells a node that just came up where this node's lane listens and which routes are subscribed here, so its
    // large payloads for them come over the lane. Later subscriptions reach it as probe requests, ends as RouteLeft.
    private void OnMemberUp(Member member)
    {
        if (!IsPeer(member) || _bus.LaneInternals is not { } lane)
        {
            return;
        }

        lane.MemberUp(member.Address.ToString());
        if (_pubSubRole is null || _cluster.SelfRoles.Contains(_pubSubRole))
        {
            BusAt(member.Address).Tell(new LaneHello(lane.Host, lane.Port, [.. _subscriptions.Keys]));
        }
    }

    private void OnLaneHello(LaneHello hello)
    {
        // A hello that comes after its node was removed would open a lane nobody closes.
        if (_bus.LaneInternals is not { } lane || !_cluster.State.Members.Any(m => m.Address == Sender.Path.Address))
        {
            return;
        }

        // The hello may come before this node's own event that the other is up: the lane from there is welcome already.
        lane.MemberUp(Sender.Path.Address.ToString());
        lane.SetPeer(Sender.Path.Address.ToString(), hello.Host, hello.Port, hello.Routes);
        if (!hello.IsReply)
        {
            Sender.Tell(new LaneHello(lane.Host, lane.Port, [.. _subscriptions.Keys], IsReply: true));
        }
    }

    private ActorSelection BusAt(Address node) => Context.ActorSelection(new RootActorPath(node) / "system" / "topic-bus");

    private void HandleTimer(object message)
    {
        if (ReferenceEquals(message, RefreshPatterns))
        {
            _mediator.Tell(GetTopics.Instance);
        }
        else if (ReferenceEquals(message, SendProbes))
        {
            PublishProbes();
        }
        else
        {
            Unhandled(message);
        }
    }

    private void HandleSubscribe(Subscribe request)
    {
        var subscription = request.Subscription;
        var route = RouteTable.RouteOf(subscription.Pattern);
        if (!_subscriptions.TryGetValue(route, out var list))
        {
            _subscriptions[route] = list = [];
        }

        list.Add(subscription);
        if (!_sinks.TryGetValue(route, out var sink))
        {
            _sinks[route] = sink = new RouteSink(Context.System, _bus, Self, _serializer, _log);
            _bus.SetLocalSink(route, sink);
        }

        sink.Update([.. list]);
        _bus.CountLocalSubscription(subscription.Pattern, +1);
        Context.Watch(subscription.Subscriber);
        if (subscription.Pattern.IsGlob)
        {
            Announce(subscription.Pattern.Text);
        }

        if (_mediatorRoutes.Contains(route))
        {
            StartConfirmation(route, Sender);
        }
        else if (_awaitingAck.TryGetValue(route, out var waiting))
        {
            waiting.Add(Sender);
        }
        else
        {
            _awaitingAck[route] = [Sender];
            _mediator.Tell(new Akka.Cluster.Tools.PublishSubscribe.Subscribe(route, sink));
        }
    }

    private void OnMediatorAck(string route)
    {
        if (!_awaitingAck.Remove(route, out var waiting))
        {
            return;
        }

        if (_subscriptions.ContainsKey(route))
        {
            _mediatorRoutes.Add(route);
            waiting.ForEach(replyTo => StartConfirmation(route, replyTo));
            return;
        }

        // Every subscription on the route ended while the mediator was still subscribing it, and Remove could not
        // unsubscribe what the mediator did not hold yet: left there, it would route the cluster's publishes here
        // for good. The subscriptions are gone, so their callers have nothing left to wait for.
        UnsubscribeAtMediator(route);
        waiting.ForEach(replyTo => replyTo.Tell(Subscribed.Instance));
    }

    private void UnsubscribeAtMediator(string route)
    {
        _mediator.Tell(new Akka.Cluster.Tools.PublishSubscribe.Unsubscribe(route, _sinks[route]));
        _sinks.Remove(route);
        _bus.SetLocalSink(route, null);
    }

    // Every other host node publishes probes on the route until one arrives here: that proves its mediator
    // routes the route to this node and, for a glob, that its bus knows the pattern.
    private void StartConfirmation(string route, IActorRef replyTo)
    {
        var others = _cluster.State.Members
            .Where(m => m.Status == MemberStatus.Up && m.Address != _cluster.SelfAddress && (_pubSubRole is null || m.HasRole(_pubSubRole)))
            .Select(m => m.Address)
            .ToHashSet();
        if (others.Count == 0)
        {
            replyTo.Tell(Subscribed.Instance);
            return;
        }

        if (_confirming.TryGetValue(route, out var pending))
        {
            pending.Waiting.Add(replyTo);
            pending.Remaining.UnionWith(others);
        }
        else
        {
            _confirming[route] = new PendingConfirmation(others, [replyTo]);
            Timers.StartSingleTimer(("confirm", route), new ConfirmationTimedOut(route), _settings.SubscribeTimeout);
        }

        foreach (var node in others)
        {
            Context.ActorSelection(new RootActorPath(node) / "system" / "topic-bus").Tell(new ProbeRoute(route));
        }
    }

    private void OnProbe(RouteProbe probe)
    {
        Sender.Tell(new RouteProbeArrived(probe.Route));
        if (_confirming.TryGetValue(probe.Route, out var pending) && pending.Remaining.Remove(Sender.Path.Address) && pending.Remaining.Count == 0)
        {
            _confirming.Remove(probe.Route);
            Timers.Cancel(("confirm", probe.Route));
            pending.Waiting.ForEach(waiter => waiter.Tell(Subscribed.Instance));
        }
    }

    private void OnConfirmationTimedOut(ConfirmationTimedOut timedOut)
    {
        if (_confirming.Remove(timedOut.Route, out var pending))
        {
            _log.Warning(
                "Subscription on '{0}' confirmed without {1} after {2}: publishes from there may not reach it yet.",
                timedOut.Route, string.Join(", ", pending.Remaining), _settings.SubscribeTimeout);
            pending.Waiting.ForEach(waiter => waiter.Tell(Subscribed.Instance));
        }
    }

    private void StartProbing(ProbeRoute request)
    {
        if (request.Route.StartsWith(RouteTable.GlobPrefix, StringComparison.Ordinal))
        {
            Announce(request.Route[RouteTable.GlobPrefix.Length..]);
        }

        _probing[(Sender, request.Route)] = Deadline.Now + _settings.SubscribeTimeout;
        _mediator.Tell(new Publish(request.Route, new RouteProbe(request.Route)));
        if (!Timers.IsTimerActive(SendProbes))
        {
            Timers.StartPeriodicTimer(SendProbes, SendProbes, _settings.ProbeInterval);
        }
    }

    private void PublishProbes()
    {
        foreach (var expired in _probing.Where(p => p.Value.IsOverdue).Select(p => p.Key).ToList())
        {
            _probing.Remove(expired);
        }

        foreach (var route in _probing.Keys.Select(k => k.Route).Distinct())
        {
            _mediator.Tell(new Publish(route, new RouteProbe(route)));
        }

        if (_probing.Count == 0)
        {
            Timers.Cancel(SendProbes);
        }
    }

    private void Announce(string pattern)
    {
        _announcedPatterns[pattern] = Deadline.Now + TimeSpan.FromSeconds(10);

        // The bus knows exactly the mediator's and the announced patterns (see UpdateRoutes), so one more announced
        // pattern adds just itself; rebuilding the whole table for each would make subscribing n patterns O(n²).
        _bus.AddRoute(pattern);
    }

    private void OnCurrentTopics(CurrentTopics current)
    {
        var patterns = current.Topics
            .Select(Uri.UnescapeDataString)
            .Where(topic => topic.StartsWith(RouteTable.GlobPrefix, StringComparison.Ordinal))
            .Select(topic => topic[RouteTable.GlobPrefix.Length..])
            .ToHashSet(StringComparer.Ordinal);
        var expired = _announcedPatterns.Where(a => a.Value.IsOverdue).Select(a => a.Key).ToList();
        foreach (var pattern in expired)
        {
            _announcedPatterns.Remove(pattern);
        }

        var changed = !patterns.SetEquals(_mediatorPatterns);
        if (changed)
        {
            _mediatorPatterns = patterns;
        }

        if (changed || expired.Count > 0)
        {
            UpdateRoutes();
        }
    }

    // Keeps the bus's patterns equal to the mediator's and the announced ones, which Announce relies on.
    private void UpdateRoutes()
    {
        var known = new HashSet<string>(_mediatorPatterns, StringComparer.Ordinal);
        known.UnionWith(_announcedPatterns.Keys);
        if (!known.SetEquals(_bus.KnownPatterns))
        {
            _bus.UpdateRoutes(known);
        }
    }

    private void HandleUnsubscribe(Unsubscribe request)
    {
        Remove(request.Subscription);
        Sender.Tell(Unsubscribed.Instance);
    }

    private void RemoveSubscriber(IActorRef subscriber)
    {
        foreach (var subscription in _subscriptions.Values.SelectMany(list => list).Where(s => s.Subscriber.Equals(subscriber)).ToList())
        {
            Remove(subscription);
        }
    }

    private void Remove(TopicSubscription subscription)
    {
        var route = RouteTable.RouteOf(subscription.Pattern);
        if (!_subscriptions.TryGetValue(route, out var list) || !list.Remove(subscription))
        {
            return;
        }

        _sinks[route].Update([.. list]);
        subscription.Gate.Close();
        _bus.CountLocalSubscription(subscription.Pattern, -1);
        if (list.Count == 0)
        {
            _subscriptions.Remove(route);
            if (_bus.LaneInternals is not null)
            {
                foreach (var member in _cluster.State.Members.Where(m => m.Status == MemberStatus.Up && IsPeer(m)))
                {
                    BusAt(member.Address).Tell(new RouteLeft(route));
                }
            }

            // A route whose SubscribeAck is still awaited keeps its sink: OnMediatorAck unsubscribes it, unless a
            // new subscription on the route has come by then.
            if (_mediatorRoutes.Remove(route))
            {
                UnsubscribeAtMediator(route);
            }
        }

        if (!_subscriptions.Values.Any(l => l.Any(s => s.Subscriber.Equals(subscription.Subscriber))))
        {
            Context.Unwatch(subscription.Subscriber);
        }
    }

    internal sealed record Subscribe(TopicSubscription Subscription);

    internal sealed record Subscribed
    {
        public static readonly Subscribed Instance = new();
    }

    internal sealed record Unsubscribe(TopicSubscription Subscription);

    internal sealed record Unsubscribed
    {
        public static readonly Unsubscribed Instance = new();
    }

    private sealed record ConfirmationTimedOut(string Route);

    private sealed record PendingConfirmation(HashSet<Address> Remaining, List<IActorRef> Waiting);
}
