using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.ClusterTime;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Rpc;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Operator;

/// <summary>
/// Answers the operator verbs on every node (Lighthouse and hosts) at the well-known path
/// <c>/user/operator</c>. The verbs reach it from a remote-only actor system that never joins the
/// cluster, so asking never changes the membership. A node that does not run the topic bus (the
/// Lighthouse) hands topic requests to a host node.
/// </summary>
public sealed class OperatorEndpoint : ReceiveActor
{
    /// <summary>The actor name under <c>/user</c>.</summary>
    public const string Name = "operator";

    private static readonly TimeSpan GatherTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan IdentifyTimeout = TimeSpan.FromSeconds(1);
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly TimeProvider _time;
    private readonly string? _busRole;
    private readonly Dictionary<UniqueAddress, DateTimeOffset> _upSince = [];
    private readonly Dictionary<IActorRef, IActorRef> _echoes = [];
    private readonly LostNames _lost = new();

    /// <summary>Creates the endpoint.</summary>
    /// <param name="time">Where "up since" times come from.</param>
    public OperatorEndpoint(TimeProvider time)
    {
        _time = time;
        var role = Context.System.Settings.Config.GetString("akka.cluster.pub-sub.role", "");
        _busRole = string.IsNullOrEmpty(role) ? null : role;

        Receive<ClusterEvent.MemberUp>(up => _upSince.TryAdd(up.Member.UniqueAddress, _time.GetUtcNow()));
        Receive<ClusterEvent.MemberRemoved>(removed => _upSince.Remove(removed.Member.UniqueAddress));
        Receive<ClusterEvent.MemberLeft>(left => _lost.Remember(Context.System, left.Member.Address, _time.GetUtcNow()));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.UnreachableMember>(unreachable => _lost.Remember(Context.System, unreachable.Member.Address, _time.GetUtcNow()));
        Receive<ClusterEvent.IReachabilityEvent>(_ => { });
        Receive<GetMembers>(_ => Sender.Tell(DescribeMembers()));
        Receive<GetNodeTopics>(_ => Sender.Tell(NodeTopicsHere()));
        Receive<ListTopics>(request => OnBusNode(request, ListTopicsAsync));
        Receive<PublishJson>(request => OnBusNode(request, Publish));
        Receive<StartEcho>(request => OnBusNode(request, StartEchoing));
        Receive<StopEcho>(request => OnBusNode(request, StopEchoing));
        Receive<OperatorCall>(request => OnBusNode(request, Call));
        Receive<OperatorCommand>(request => OnBusNode(request, command => OperatorCommands.Run(Context.System, command)));
        Receive<CancelOperatorCommand>(request => OnBusNode(request, OperatorCommands.Cancel));
        Receive<IClockCommand>(request => OnBusNode(request, command => ClusterClock.Get(Context.System).Forward(command, Sender)));
        Receive<ListAgents>(request => OnBusNode(request, ListAgentsCluster));
        Receive<GetLocalAgents>(_ => Sender.Tell(LocalAgents()));
        Receive<GetNodeReport>(_ => Sender.Tell(NodeReporting.Here(Context.System)));
        Receive<DescribeNodes>(_ => DescribeAllNodes());
        Receive<PathRequest>(request => OnBusNode(request, r => PathVerbHandler.Handle(Context.System, r, Sender)));
        Receive<StartPathWatch>(request => OnBusNode(request, r => PathVerbHandler.Watch(Context.System, r, Sender)));
        Receive<Terminated>(OnForwarderStopped);
        Receive<Forwarded>(_ => { });
    }

    private bool RunsBus => _busRole is null || _cluster.SelfRoles.Contains(_busRole);

    /// <summary>Creates the props of the endpoint.</summary>
    /// <param name="time">Where "up since" times come from.</param>
    /// <returns>The props.</returns>
    public static Props Props(TimeProvider time) => Akka.Actor.Props.Create(() => new OperatorEndpoint(time));

    /// <inheritdoc />
    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnBusNode<T>(T request, Action<T> handle)
    {
        if (RunsBus)
        {
            handle(request);
            return;
        }

        var candidates = BusMembers().ToList();
        if (candidates.Count == 0)
        {
            var unreachable = _cluster.State.Unreachable.Count(m => _busRole is null || m.HasRole(_busRole));
            Sender.Tell(new OperatorFailed(unreachable > 0
                ? $"no reachable node of cluster '{Context.System.Name}' runs the topic bus: {unreachable} host(s) are unreachable from {_cluster.SelfAddress}."
                : $"no node of cluster '{Context.System.Name}' runs the topic bus (role '{_busRole}'): start a host."));
            return;
        }

        ForwardToFirstAnswering(Context.System, request!, Sender, candidates).PipeTo(Self);
    }

    // A member can be Up and reachable in gossip yet gone (crashed within the failure detector's window): each candidate's
    // endpoint is asked to identify itself first, and the request goes to the first that does, so it is never sent twice.
    private static async Task<object> ForwardToFirstAnswering(ActorSystem system, object request, IActorRef replyTo, IReadOnlyList<Address> candidates)
    {
        var silent = new List<string>();
        foreach (var node in candidates)
        {
            var selection = system.ActorSelection(new RootActorPath(node) / "user" / Name);
            try
            {
                var identity = await selection.Ask<ActorIdentity>(new Identify(null), IdentifyTimeout).ConfigureAwait(false);
                if (identity.Subject is { } endpoint)
                {
                    endpoint.Tell(request, replyTo);
                    return Forwarded.Instance;
                }
            }
            catch (AskTimeoutException)
            {
            }

            silent.Add(node.ToString());
        }

        replyTo.Tell(new OperatorFailed($"no node that runs the topic bus answered: {string.Join(", ", silent)} did not answer within {IdentifyTimeout.TotalSeconds:0.#} s."));
        return Forwarded.Instance;
    }

    private IEnumerable<Address> BusMembers() =>
        _cluster.State.Members
            .Where(m => m.Status == MemberStatus.Up && (_busRole is null || m.HasRole(_busRole)) && !_cluster.State.Unreachable.Contains(m))
            .Select(m => m.Address);

    private NodeTopics NodeTopicsHere()
    {
        if (!RunsBus)
        {
            return new NodeTopics([], [], []);
        }

        var bus = TopicBus.Get(Context.System);
        var subscriptions = bus.LocalSubscriptions;
        return new NodeTopics(
            [.. bus.PublishedTopics],
            [.. subscriptions.Where(p => !p.IsGlob).Select(p => p.Text)],
            [.. subscriptions.Where(p => p.IsGlob).Select(p => p.Text)]);
    }

    // Each node's bus answers for itself, so what is listed is what is subscribed now, not what gossip last said.
    private void ListTopicsAsync(ListTopics request)
    {
        Gather<NodeTopics>(GetNodeTopics.Instance, (answers, silent) =>
        {
            var topics = answers.SelectMany(n => n.Published.Concat(n.Subscribed)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var patterns = answers.SelectMany(n => n.Patterns).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return new TopicList([.. topics], [.. patterns], silent);
        });
    }

    /// <summary>The forward was sent, or its failure answered; nothing more to do.</summary>
    private sealed record Forwarded
    {
        public static readonly Forwarded Instance = new();
    }

    private void Publish(PublishJson request)
    {
        try
        {
            object? payload;
            if (request.ClrType is null)
            {
                payload = JsonPayload.FromJson(request.Json);
            }
            else
            {
                var type = TypeNames.Find(request.ClrType)
                    ?? throw new FormatException($"the type '{request.ClrType}' is not known on {_cluster.SelfAddress}.");
                RequiredFields.Check(request.Json, type);
                payload = JsonPayload.FromJson(request.Json, type);
            }

            TopicBus.Get(Context.System).Publish(request.Topic, payload ?? throw new FormatException("a payload cannot be null."), request.Sender);
            Sender.Tell(new JsonPublished(request.Topic));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or PayloadTooLargeException)
        {
            Sender.Tell(new OperatorFailed(e.Message, BadInput: true));
        }
    }

    private void StartEchoing(StartEcho request)
    {
        try
        {
            TopicPattern.Parse(request.Pattern);
        }
        catch (ArgumentException e)
        {
            Sender.Tell(new OperatorFailed(e.Message));
            return;
        }

        var forwarder = Context.ActorOf(Akka.Actor.Props.Create(() => new EchoForwarder(request.Pattern, request.Receiver, Sender)));
        Context.Watch(forwarder);
        _echoes[request.Receiver] = forwarder;
    }

    // One way for every face: the target is resolved by the core (a registered name, or an address a face resolves),
    // and the arguments travel as JSON, read on the answering side as the endpoint's parameter types.
    private void Call(OperatorCall request)
    {
        try
        {
            foreach (var json in request.JsonArgs)
            {
                JsonPayload.FromJson(json);
            }
        }
        catch (FormatException e)
        {
            Sender.Tell(new OperatorFailed(e.Message));
            return;
        }

        object?[] args = [.. request.JsonArgs.Select(json => new JsonArgument(json))];
        var system = Context.System;
        var lost = _lost;
        EndpointClient.Get(system).CallAsync<object?>(request.Target, request.Endpoint, args, request.Deadline)
            .ContinueWith(
                call => call.IsCompletedSuccessfully
                    ? new OperatorCallAnswered(JsonPayload.ToJson(call.Result))
                    : (object)CallFailure.Describe(system, request, call.Exception?.GetBaseException(), lost),
                TaskScheduler.Default)
            .PipeTo(Sender);
    }

    private AgentList LocalAgents() =>
        new(
            AgentContainer.IsEnabled(Context.System)
                ? [.. AgentContainer.Get(Context.System).Agents.Select(a => new AgentListing(a.Address.ToString(), a.Type))]
                : [],
            []);

    private void ListAgentsCluster(ListAgents request)
    {
        Gather<AgentList>(GetLocalAgents.Instance, (answers, silent) =>
            new AgentList([.. answers.SelectMany(a => a.Agents).OrderBy(a => a.Address, StringComparer.Ordinal)], silent));
    }

    private void DescribeAllNodes()
    {
        var state = _cluster.State;
        ImmutableArray<string> unreachable = [.. state.Unreachable.Select(m => $"{m.Address} ({m.Status})")];
        var everyone = state.Members.Where(m => m.Status == MemberStatus.Up && !state.Unreachable.Contains(m)).Select(m => m.Address);
        Gather<NodeReport>(GetNodeReport.Instance, (answers, silent) =>
            new NodeReports([.. answers.OrderBy(r => r.Address, StringComparer.Ordinal)], silent, unreachable), everyone);
    }

    // Asks every host's endpoint; a node that does not answer within the gather timeout is named, not waited for.
    private void Gather<TAnswer>(object question, Func<IReadOnlyList<TAnswer>, ImmutableArray<string>, object> combine, IEnumerable<Address>? nodes = null)
    {
        var asks = (nodes ?? BusMembers())
            .Select(node => (Node: node, Answer: Context.ActorSelection(new RootActorPath(node) / "user" / Name).Ask<TAnswer>(question, GatherTimeout)))
            .ToList();
        Task.WhenAll(asks.Select(ask => (Task)ask.Answer)).ContinueWith(
            _ => combine(
                [.. asks.Where(ask => ask.Answer.IsCompletedSuccessfully).Select(ask => ask.Answer.Result)],
                [.. asks.Where(ask => !ask.Answer.IsCompletedSuccessfully).Select(ask => ask.Node.ToString())]),
            TaskScheduler.Default).PipeTo(Sender);
    }

    private void OnForwarderStopped(Terminated terminated)
    {
        foreach (var receiver in _echoes.Where(e => e.Value.Equals(terminated.ActorRef)).Select(e => e.Key).ToList())
        {
            _echoes.Remove(receiver);
        }
    }

    private void StopEchoing(StopEcho request)
    {
        if (_echoes.Remove(request.Receiver, out var forwarder))
        {
            Context.Stop(forwarder);
        }
    }

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

    // Subscribes on the receiver's behalf and forwards what arrives as JSON, until the receiver stops.
    private sealed class EchoForwarder : ReceiveActor
    {
        public EchoForwarder(string pattern, IActorRef receiver, IActorRef replyTo)
        {
            Receive<TopicSubscription>(_ => replyTo.Tell(EchoStarted.Instance));
            Receive<Status.Failure>(f =>
            {
                replyTo.Tell(new OperatorFailed($"could not subscribe to '{pattern}': {f.Cause.Message}"));
                Context.Stop(Self);
            });
            Receive<TopicMessage>(m => receiver.Tell(new EchoedMessage(m.Topic, m.Sender, m.PublishedAt, JsonPayload.ToJson(m.Payload))));
            Receive<Terminated>(_ => Context.Stop(Self));
            Context.Watch(receiver);
            TopicBus.Get(Context.System).SubscribeAsync(pattern, Self).PipeTo(Self);
        }
    }
}
