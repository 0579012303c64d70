using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Event;
using AkkaSerializer = Akka.Serialization.Serializer;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Configuration;
using Cluster.Contracts;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The node's topic bus: publish a payload on a topic from any node; subscribe an actor with an exact
/// topic name or a glob pattern. DistributedPubSub carries the messages and decides who receives them; large
/// payloads travel over the bus's data lane (see remarks).
/// </summary>
/// <remarks>
/// <para>Every matching subscription on every node gets each message once, as a <see cref="TopicMessage"/>.
/// An actor subscribed with two patterns that both match (say <c>drive/odometry</c> and <c>drive/*</c>)
/// gets the message twice, once per subscription; <see cref="TopicMessage.Subscription"/> tells them apart.</para>
/// <para>Messages from one publisher on one topic reach each subscription in publish order.</para>
/// <para><see cref="SubscribeAsync(string, IActorRef, CancellationToken)"/> completes once every host node of the cluster has shown that its
/// publishes reach the new subscription, so a publish made anywhere after it returns is delivered; it
/// waits at most <c>cluster-node.topics.subscribe-timeout</c> (3 s).</para>
/// <para>The payload is serialized once at the publisher. One of at least <c>cluster-node.topics.lane.threshold</c>
/// (32 KiB) travels over the data lane, a direct TCP connection per pair of nodes, in pooled buffers, while its
/// envelope still travels through DistributedPubSub; any size up to the topic's <c>max-payload</c> (64 MiB by
/// default) works, and a larger one is refused at the publisher with <see cref="PayloadTooLargeException"/>.
/// Raw bytes (<c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>, a <see cref="TopicLoan"/>) are sent as they are and
/// may be taken as a <see cref="TopicLease"/>; see docs/TOPICS.md.</para>
/// </remarks>
public sealed class TopicBus : IExtension
{
    private readonly ActorSystem _system;
    private readonly IActorRef _mediator;
    private readonly IActorRef _actor;
    private readonly TopicOutbox _outbox;
    private readonly AkkaSerializer _serializer;
    private readonly string _nodeName;
    private readonly Func<DateTimeOffset> _utcNow;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _published = new(StringComparer.Ordinal);
    private RouteTable _routes;
    private readonly TopicLane? _lane;
    private readonly bool _anyReliable;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RouteSink> _localSinks = new(StringComparer.Ordinal);
    private long _nextId;
    private long _undeliverable;
    private long _unrouted;
    private long _qosDropped;
    private long _overflowed;
    private long _fencesMissed;
    private System.Collections.Immutable.ImmutableDictionary<string, (TopicPattern Pattern, int Count)> _localSubscriptions =
        System.Collections.Immutable.ImmutableDictionary.Create<string, (TopicPattern, int)>(StringComparer.Ordinal);

    internal TopicBus(ExtendedActorSystem system)
    {
        system.Settings.InjectTopLevelFallback(DefaultConfig());
        _system = system;
        Settings = TopicSettings.Create(system.Settings.Config);
        _mediator = DistributedPubSub.Get(system).Mediator;
        // The payload's serializer is the one the cluster binds to its own messages; the envelope has one of its own.
        _serializer = system.Serialization.FindSerializerForType(typeof(IClusterMessage));
        _nodeName = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
        var clock = NodeClock.Get(system).Clock;
        _utcNow = () => clock.UtcNow;
        _routes = RouteTable.Create([], Settings.RouteCacheSize);
        _outbox = new TopicOutbox(_mediator, Settings);
        _anyReliable = Settings.Lane.Qos.History == TopicHistory.Reliable || Settings.Lane.Topics.Any(rule => rule.Qos.History == TopicHistory.Reliable);
        var tls = system.Settings.Config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl", false);
        if (Settings.Lane.Enabled && tls && !Settings.Lane.AllowUnencrypted)
        {
            system.Log.Warning(
                "The topic bus's data lane is off: remoting uses TLS and the lane does not encrypt, so large payloads travel through remoting " +
                "(up to its frame size). Set cluster-node.topics.lane.allow-unencrypted = on to use the lane anyway.");
        }
        else if (Settings.Lane.Enabled)
        {
            var host = Settings.Lane.Hostname.Length > 0 ? Settings.Lane.Hostname : Akka.Cluster.Cluster.Get(system).SelfAddress.Host ?? "127.0.0.1";
            var lane = new TopicLane(Settings.Lane, _nodeName, host, Akka.Event.Logging.GetLogger(system, "topic-lane"), RoomFor, DeliverFromLane);
            _lane = lane;
            system.RegisterOnTermination(() => lane.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10)));
        }

        _actor = system.SystemActorOf(TopicBusActor.Props(this, _mediator, _serializer, Settings), "topic-bus");
    }

    /// <summary>Gets the bus's actor.</summary>
    internal IActorRef Actor => _actor;

    /// <summary>Gets the time now on the node's clock, as stamped on publishes and receipts.</summary>
    public DateTimeOffset UtcNow => _utcNow();

    /// <summary>Gets the bus's settings.</summary>
    public TopicSettings Settings { get; }

    /// <summary>Gets the glob patterns this node currently knows to be subscribed somewhere in the cluster.</summary>
    public IReadOnlySet<string> KnownPatterns => Volatile.Read(ref _routes).Patterns;

    /// <summary>Gets how many batches this node has sent, and how many publishes travelled in them (see <see cref="TopicSettings.BatchGap"/>).</summary>
    public (long Batches, long Publishes) Batching => (_outbox.Batches, _outbox.Batched);

    /// <summary>Gets how many messages arrived at this node whose payload it could not deserialize; each is dropped and logged as an error.</summary>
    public long Undeliverable => Interlocked.Read(ref _undeliverable);

    /// <summary>Gets the topic names this node has published on (up to the route cache size).</summary>
    public IReadOnlyCollection<string> PublishedTopics => (IReadOnlyCollection<string>)_published.Keys;

    /// <summary>Gets what the node's data lane has done, or null when the lane is off (<c>cluster-node.topics.lane.enabled</c>).</summary>
    public LaneStatistics? Lane
    {
        get
        {
            if (_lane is null)
            {
                return null;
            }

            var statistics = _lane.Statistics;
            return statistics with { QosDropped = statistics.QosDropped + Interlocked.Read(ref _qosDropped), FencesMissed = Interlocked.Read(ref _fencesMissed) };
        }
    }

    /// <summary>
    /// Gets how many messages of topics without a quality of service were dropped because their subscriber already had
    /// <see cref="TopicSettings.MaxWaiting"/> messages waiting in its mailbox.
    /// </summary>
    public long Overflowed => Interlocked.Read(ref _overflowed);

    /// <summary>Gets how many envelopes of lane payloads arrived here although the publisher did not yet know of this node's subscription; each was dropped.</summary>
    public long Unrouted => Interlocked.Read(ref _unrouted);

    /// <summary>Gets the patterns (exact topic names and globs) subscribed to on this node now, each once.</summary>
    public IReadOnlyCollection<TopicPattern> LocalSubscriptions => [.. Volatile.Read(ref _localSubscriptions).Values.Select(entry => entry.Pattern)];

    /// <summary>Gets the topic bus of <paramref name="system"/>, starting it if needed.</summary>
    /// <param name="system">The actor system; it must be a cluster node.</param>
    /// <returns>The bus.</returns>
    public static TopicBus Get(ActorSystem system) => system.WithExtension<TopicBus, Provider>();

    /// <summary>The HOCON defaults of the topic bus (<c>cluster-node.topics</c>).</summary>
    /// <returns>The defaults.</returns>
    public static Config DefaultConfig() => ClusterHocon.LoadResource(typeof(ClusterHocon).Assembly, "Cluster.Agents.Core.Topics.topics.conf");

    /// <summary>Publishes <paramref name="payload"/> on <paramref name="topic"/> to every matching subscription in the cluster.</summary>
    /// <param name="topic">The topic, a plain name such as <c>drive/odometry</c>.</param>
    /// <param name="payload">
    /// The payload; any type the cluster's serializer can carry. Raw bytes (<c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>
    /// or a <see cref="TopicLoan"/>, which this takes over) at or above the lane threshold are sent as they are.
    /// </param>
    /// <param name="sender">Who publishes: a device name; by default this node's address.</param>
    /// <exception cref="ArgumentException">The topic is empty or has wildcards, or the payload cannot be serialized.</exception>
    /// <exception cref="PayloadTooLargeException">The payload is larger than the topic's maximum (or than a remote frame, with the lane off).</exception>
    /// <exception cref="TimeoutException">The topic is reliable and its subscribers stayed full for the publish timeout.</exception>
    public void Publish(string topic, object payload, string? sender = null)
    {
        TopicPattern.ValidateTopic(topic);
        ArgumentNullException.ThrowIfNull(payload);
        var lane = _lane;
        var raw = false;
        switch (payload)
        {
            case TopicLoan loan:
            {
                var taken = loan.Take();
                if (lane is not null && taken.Length >= lane.Settings.Threshold)
                {
                    PublishLane(topic, taken, raw: true, loan, sender);
                    return;
                }

                payload = taken.Span.ToArray();
                taken.Release();
                raw = true;
                break;
            }

            case byte[] bytes when lane is not null && bytes.Length >= lane.Settings.Threshold:
            {
                var buffer = lane.Pool.Rent(bytes.Length);
                bytes.CopyTo(buffer.Array, 0);
                PublishLane(topic, buffer, raw: true, bytes, sender);
                return;
            }

            case ReadOnlyMemory<byte> memory when lane is not null && memory.Length >= lane.Settings.Threshold:
            {
                var buffer = lane.Pool.Rent(memory.Length);
                memory.CopyTo(buffer.Memory);
                PublishLane(topic, buffer, raw: true, payload, sender);
                return;
            }

            case ReadOnlyMemory<byte> memory:
                payload = memory.ToArray();
                raw = true;
                break;
            case byte[]:
                raw = true;
                break;
        }

        byte[] serialized;
        try
        {
            // Raw bytes travel as they are: a copy, since the caller may reuse the array once Publish returns.
            serialized = raw ? ((byte[])payload).AsSpan().ToArray() : _serializer.ToBinary(payload);
        }
        catch (Exception e)
        {
            throw new ArgumentException($"The payload of type {payload.GetType().FullName} on topic '{topic}' cannot be serialized: {e.Message}", nameof(payload), e);
        }

        TopicLaneRule? rule = null;
        if (lane is not null)
        {
            // Raw bytes below the threshold stay below it, whatever the serializer adds around them.
            if (!raw && serialized.Length >= lane.Settings.Threshold)
            {
                PublishLane(topic, LaneBuffer.Wrap(serialized), raw: false, payload, sender);
                return;
            }

            rule = lane.Settings.For(topic);
            if (serialized.Length > rule.MaxPayloadBytes)
            {
                throw TooLarge(topic, serialized.Length, rule);
            }
        }

        if (serialized.Length > Settings.MaxPayloadBytes)
        {
            throw new PayloadTooLargeException(topic, serialized.Length, Settings.MaxPayloadBytes, Settings.FrameSize);
        }

        Remember(topic);
        var publishedAt = UtcNow;
        sender ??= _nodeName;
        var routes = Volatile.Read(ref _routes).RoutesFor(topic);
        IReadOnlyList<string> copies = [];
        var version = 0L;
        if (lane is not null)
        {
            version = lane.Version;
            var targets = lane.TargetsFor(routes);
            if (targets.Count > 0)
            {
                // A small message keeps a quality of service only where a rule names its topic; otherwise it is never dropped.
                var qos = rule!.Pattern is null ? null : rule.Qos;
                if (qos is { History: TopicHistory.Reliable })
                {
                    WaitForRoom(topic, routes, targets, qos);
                }

                Send(lane, targets, routes, topic, sender, publishedAt, LaneBuffer.Wrap(serialized), raw ? LaneFrame.RawFlag : (byte)0, qos);
                copies = targets.Nodes;
            }

            // Every other node with a lane got it there: DistributedPubSub is only for this node's own subscribers and
            // for nodes without a lane.
            if (lane.Laneless == 0 && !HasLocalSink(routes))
            {
                return;
            }
        }

        var queue = _outbox.ShouldQueue();
        foreach (var route in routes)
        {
            _outbox.Send(route, new TopicEnvelope(topic, route, sender, publishedAt, serialized) { LocalPayload = payload, RawPayload = raw, LaneCopies = copies }, queue);
        }

        // The targets changed while this went through DistributedPubSub, perhaps after the fence of a node just
        // switched onto the lane: the next message over the lanes comes after a fence behind this one.
        if (lane is not null && lane.Version != version)
        {
            lane.Refence(routes);
        }
    }

    // Queues the message on each target's lane; takes over the caller's reference to buffer. Returns its id.
    private long Send(TopicLane lane, LaneTargets targets, string[] routes, string topic, string sender, DateTimeOffset publishedAt, LaneBuffer buffer, byte flags, TopicQos? qos)
    {
        if (targets.NeedsFence)
        {
            return SendFenced(lane, targets, routes, topic, sender, publishedAt, buffer, flags, qos);
        }

        var id = lane.NextId();
        Enqueue(targets, new LaneSender.Outgoing(id, topic, sender, publishedAt, buffer, flags, qos));
        return id;
    }

    // A node was switched onto the lane for these routes: the fences go through DistributedPubSub behind every earlier
    // publish of this node, then the message they come before goes over the lanes, flagged, and the lock keeps every
    // other publish to these targets behind it.
    private long SendFenced(TopicLane lane, LaneTargets targets, string[] routes, string topic, string sender, DateTimeOffset publishedAt, LaneBuffer buffer, byte flags, TopicQos? qos)
    {
        lock (targets)
        {
            var id = lane.NextId();
            var fenced = targets.NeedsFence;
            if (fenced)
            {
                var fence = new LaneFence(_nodeName, id);
                SendFences(routes, fence);
                RepeatFences(routes, fence, Settings.ProbeInterval, TimeSpan.Zero);
                flags |= LaneFrame.FenceFlag;

                // A keep-last lane that dropped the flagged message would lose the mark the receivers wait from.
                qos = null;
            }

            Enqueue(targets, new LaneSender.Outgoing(id, topic, sender, publishedAt, buffer, flags, qos));
            if (fenced)
            {
                lane.Fenced(targets, routes);
            }

            return id;
        }
    }

    private void SendFences(string[] routes, LaneFence fence)
    {
        var at = UtcNow;
        foreach (var route in routes)
        {
            _outbox.Send(route, new TopicEnvelope(route, route, _nodeName, at, []) { Fence = fence }, queue: false);
        }
    }

    // The lane usually learns of a subscription (from a node's greeting or a new subscription's probe request) before
    // this node's DistributedPubSub does, by gossip, and a fence published before that reaches no one there: so the
    // fence goes again after one probe interval, then after gaps twice as long each time, until the fence timeout.
    // The other node waits about as long as that gossip takes instead of the whole timeout, for a handful of repeats.
    // A repeat only ever ends a wait for this fence or an earlier one.
    private void RepeatFences(string[] routes, LaneFence fence, TimeSpan gap, TimeSpan elapsed)
    {
        if (elapsed + gap >= Settings.Lane.FenceTimeout)
        {
            return;
        }

        _system.Scheduler.Advanced.ScheduleOnce(gap, () =>
        {
            SendFences(routes, fence);
            RepeatFences(routes, fence, gap * 2, elapsed + gap);
        });
    }

    private static void Enqueue(LaneTargets targets, LaneSender.Outgoing message)
    {
        foreach (var target in targets.Senders)
        {
            message.Buffer.AddReference();
            target.Enqueue(message);
        }

        message.Buffer.Release();
    }

    private bool HasLocalSink(string[] routes)
    {
        foreach (var route in routes)
        {
            if (_localSinks.ContainsKey(route))
            {
                return true;
            }
        }

        return false;
    }

    // A message that came whole over the lane goes to every local route it matches, in the order the lane delivers.
    // Takes over the lane's reference to buffer.
    private void DeliverFromLane(string node, LaneFrame.Header header, LaneBuffer buffer)
    {
        try
        {
            var small = buffer.Length < Settings.Lane.Threshold;
            var raw = (header.Flags & LaneFrame.RawFlag) != 0;
            var shared = false;
            foreach (var route in Volatile.Read(ref _routes).RoutesFor(header.Topic))
            {
                if (!_localSinks.TryGetValue(route, out var sink))
                {
                    continue;
                }

                if (small)
                {
                    // Raw bytes are handed to subscribers as they are: each route gets an array of its own.
                    var bytes = shared && raw ? buffer.Span.ToArray() : buffer.Array;
                    shared = true;
                    sink.AcceptFromLane(node, header.Id, new TopicEnvelope(header.Topic, route, header.Sender, header.PublishedAt, bytes) { RawPayload = raw }, null, header.Flags);
                }
                else
                {
                    buffer.AddReference();
                    sink.AcceptFromLane(node, header.Id, new TopicEnvelope(header.Topic, route, header.Sender, header.PublishedAt, []), buffer, header.Flags);
                }
            }
        }
        finally
        {
            buffer.Release();
        }
    }

    /// <summary>
    /// Lends a pooled buffer to fill with a raw-bytes payload and hand to <see cref="Publish"/>, which sends it without
    /// a copy (as ROS 2's loaned messages). Dispose a loan that is not published.
    /// </summary>
    /// <param name="sizeHint">The payload's expected size; the loan grows past it if needed.</param>
    /// <returns>The loan.</returns>
    /// <exception cref="InvalidOperationException">The lane is off (<c>cluster-node.topics.lane.enabled = off</c>).</exception>
    public TopicLoan Loan(int sizeHint = 0) =>
        _lane is { } lane
            ? new TopicLoan(lane.Pool, sizeHint)
            : throw new InvalidOperationException("Loans come from the data lane's pool, and cluster-node.topics.lane.enabled is off on this node.");

    private static PayloadTooLargeException TooLarge(string topic, long size, TopicLaneRule rule) =>
        new(topic, size, rule.MaxPayloadBytes, rule.Pattern is null ? "cluster-node.topics.lane.max-payload" : $"cluster-node.topics.lane.topics.\"{rule.Pattern.Text}\".max-payload");

    private void Remember(string topic)
    {
        if (!_published.ContainsKey(topic) && _published.Count < Settings.RouteCacheSize)
        {
            _published.TryAdd(topic, 0);
        }
    }

    // Takes over the one reference the caller holds on buffer.
    private void PublishLane(string topic, LaneBuffer buffer, bool raw, object original, string? sender)
    {
        var lane = _lane!;
        try
        {
            var rule = lane.Settings.For(topic);
            if (buffer.Length > rule.MaxPayloadBytes)
            {
                throw TooLarge(topic, buffer.Length, rule);
            }

            var routes = Volatile.Read(ref _routes).RoutesFor(topic);
            var targets = lane.TargetsFor(routes);
            var qos = rule.Qos;
            if (qos.History == TopicHistory.Reliable)
            {
                WaitForRoom(topic, routes, targets, qos);
            }

            Remember(topic);
            var publishedAt = UtcNow;
            sender ??= _nodeName;
            var flags = raw ? LaneFrame.RawFlag : (byte)0;
            buffer.AddReference();
            var id = Send(lane, targets, routes, topic, sender, publishedAt, buffer, flags, qos);
            var localRoutes = 0;
            foreach (var route in routes)
            {
                if (_localSinks.ContainsKey(route))
                {
                    localRoutes++;
                }
            }

            // Every other node with a lane got it there, whole: DistributedPubSub is only for this node's own
            // subscribers, and tells the nodes without a lane what they miss (they count it as unrouted).
            if (localRoutes == 0 && lane.Laneless == 0)
            {
                return;
            }

            object local = original;
            if (localRoutes > 0)
            {
                buffer.AddReference();
                local = new LocalLanePayload(original, buffer, raw, localRoutes);
            }

            var reference = new LaneRef(_nodeName, id, buffer.Length, targets.Nodes);
            var queue = _outbox.ShouldQueue();
            foreach (var route in routes)
            {
                _outbox.Send(route, new TopicEnvelope(topic, route, sender, publishedAt, []) { LocalPayload = local, Lane = reference }, queue);
            }
        }
        finally
        {
            buffer.Release();
        }
    }

    private void WaitForRoom(string topic, string[] routes, LaneTargets targets, TopicQos qos)
    {
        var deadline = Environment.TickCount64 + (long)_lane!.Settings.PublishTimeout.TotalMilliseconds;
        foreach (var target in targets.Senders)
        {
            if (!target.WaitForRoom(topic, qos, deadline))
            {
                throw new TimeoutException($"The reliable topic '{topic}' still had {qos.Depth} payloads waiting for {target.Peer} after {_lane.Settings.PublishTimeout.TotalSeconds:0.###} s (cluster-node.topics.lane.publish-timeout): its subscribers there are behind.");
            }
        }

        while (true)
        {
            var room = _lane.Room.Next;
            if (LocalRoom(topic, routes, qos))
            {
                return;
            }

            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                throw new TimeoutException($"The reliable topic '{topic}' still had {qos.Depth} messages waiting for a subscriber on this node after {_lane.Settings.PublishTimeout.TotalSeconds:0.###} s (cluster-node.topics.lane.publish-timeout).");
            }

            room.Wait(TimeSpan.FromMilliseconds(left));
        }
    }

    private bool LocalRoom(string topic, string[] routes, TopicQos qos)
    {
        foreach (var route in routes)
        {
            if (_localSinks.TryGetValue(route, out var sink) && !sink.HasRoom(topic, qos))
            {
                return false;
            }
        }

        return true;
    }

    // Whether this node's reliable subscriptions of a topic have room; the lane reads no more payloads while not.
    private bool RoomFor(string topic)
    {
        if (!_anyReliable)
        {
            return true;
        }

        var qos = Settings.Lane.For(topic).Qos;
        return qos.History != TopicHistory.Reliable || LocalRoom(topic, Volatile.Read(ref _routes).RoutesFor(topic), qos);
    }

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to every topic that matches <paramref name="pattern"/>; it
    /// receives <see cref="TopicMessage"/>s. Completes once every host node's publishes reach it (or after
    /// the subscribe timeout). The subscription ends when disposed or when the subscriber stops.
    /// </summary>
    /// <param name="pattern">An exact topic name or a glob (see <see cref="TopicPattern"/>).</param>
    /// <param name="subscriber">The actor to deliver to.</param>
    /// <param name="cancellationToken">Stops waiting for the confirmation; the subscription stays.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The pattern is empty or malformed.</exception>
    public Task<TopicSubscription> SubscribeAsync(string pattern, IActorRef subscriber, CancellationToken cancellationToken = default) =>
        SubscribeAsync(pattern, subscriber, TopicSubscriptionOptions.Default, cancellationToken);

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to every topic that matches <paramref name="pattern"/>, taking its
    /// messages as <paramref name="options"/> say (e.g. large raw-bytes payloads as <see cref="TopicLease"/>s).
    /// </summary>
    /// <param name="pattern">An exact topic name or a glob (see <see cref="TopicPattern"/>).</param>
    /// <param name="subscriber">The actor to deliver to.</param>
    /// <param name="options">How the subscription takes its messages.</param>
    /// <param name="cancellationToken">Stops waiting for the confirmation; the subscription stays.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The pattern is empty or malformed.</exception>
    public async Task<TopicSubscription> SubscribeAsync(string pattern, IActorRef subscriber, TopicSubscriptionOptions options, CancellationToken cancellationToken = default)
    {
        var parsed = TopicPattern.Parse(pattern);
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(options);
        var subscription = new TopicSubscription(this, Interlocked.Increment(ref _nextId), parsed, subscriber, options);
        var timeout = Settings.SubscribeTimeout + TimeSpan.FromSeconds(5);
        await _actor.Ask<TopicBusActor.Subscribed>(new TopicBusActor.Subscribe(subscription), timeout, cancellationToken).ConfigureAwait(false);
        return subscription;
    }

    internal Task UnsubscribeAsync(TopicSubscription subscription) =>
        _actor.Ask<TopicBusActor.Unsubscribed>(new TopicBusActor.Unsubscribe(subscription), TimeSpan.FromSeconds(10));

    // Only the bus's actor changes the routes, so reading the current table and replacing it cannot race.
    internal void UpdateRoutes(IEnumerable<string> patterns) =>
        Volatile.Write(ref _routes, RouteTable.Create(patterns, Settings.RouteCacheSize, Volatile.Read(ref _routes)));

    // Only the bus's actor changes the subscriptions, so reading the table and replacing it cannot race.
    internal void CountLocalSubscription(TopicPattern pattern, int change)
    {
        var table = Volatile.Read(ref _localSubscriptions);
        var count = (table.TryGetValue(pattern.Text, out var entry) ? entry.Count : 0) + change;
        Volatile.Write(ref _localSubscriptions, count > 0 ? table.SetItem(pattern.Text, (pattern, count)) : table.Remove(pattern.Text));
    }

    internal long CountUndeliverable() => Interlocked.Increment(ref _undeliverable);

    internal TopicLane? LaneInternals => _lane;

    internal void CountQosDrop() => Interlocked.Increment(ref _qosDropped);

    internal void CountOverflow(IActorRef subscriber, string topic, bool log)
    {
        var overflowed = Interlocked.Increment(ref _overflowed);
        if (log)
        {
            _system.Log.Warning(
                "The subscriber {0} has {1:N0} messages waiting in its mailbox (cluster-node.topics.max-waiting): a message on topic '{2}' is dropped for it, and so is each new one of a topic without a quality of service until it catches up ({3} dropped so far; TopicBus.Overflowed counts them).",
                subscriber.Path, Settings.MaxWaiting, topic, overflowed);
        }
    }

    internal void CountFenceMissed(string node, string route, int held)
    {
        if (Interlocked.Increment(ref _fencesMissed) == 1)
        {
            _system.Log.Warning(
                "Delivered {0} lane messages from {1} on route '{2}' without the fence that orders them after its DistributedPubSub messages " +
                "(it did not come within cluster-node.topics.lane.fence-timeout, or too much waited); further misses are counted (TopicBus.Lane.FencesMissed), not logged.",
                held, node, route);
        }
    }

    /// <summary>A node left the cluster: no fence will come from it, so what its lane brought is delivered now.</summary>
    internal void PeerLeft(string node)
    {
        foreach (var sink in _localSinks.Values)
        {
            sink.Forget(node);
        }
    }

    /// <summary>A subscription on this node took a message from its queue, or ended: wakes what waits for room.</summary>
    internal void RoomMade() => _lane?.Room.Set();

    internal void SetLocalSink(string route, RouteSink? sink)
    {
        if (sink is null)
        {
            _localSinks.TryRemove(route, out _);
        }
        else
        {
            _localSinks[route] = sink;
        }
    }

    internal bool IsLaneTarget(IReadOnlyList<string> targets)
    {
        foreach (var target in targets)
        {
            if (string.Equals(target, _nodeName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    internal void CountUnrouted(TopicEnvelope envelope)
    {
        if (Interlocked.Increment(ref _unrouted) == 1)
        {
            _system.Log.Warning(
                "Dropped a large payload on topic '{0}' from {1}: its publisher did not know of this node's subscription yet. Further such drops are counted (TopicBus.Unrouted), not logged.",
                envelope.Topic, envelope.Lane?.Node);
        }
    }

    /// <summary>The quality of service of a lane payload on <paramref name="topic"/>.</summary>
    internal TopicQos LaneQos(string topic) => Settings.Lane.For(topic).Qos;

    /// <summary>The quality of service of a small message on <paramref name="topic"/>: only where a rule names the topic.</summary>
    internal TopicQos? ExplicitQos(string topic) => _lane is null || Settings.Lane.Topics.IsEmpty ? null : Settings.Lane.Explicit(topic)?.Qos;

    internal void AddRoute(string pattern) =>
        Volatile.Write(ref _routes, Volatile.Read(ref _routes).With(pattern));

    /// <summary>Creates the <see cref="TopicBus"/> extension; list it in <c>akka.extensions</c> to start the bus with the node.</summary>
    public sealed class Provider : ExtensionIdProvider<TopicBus>
    {
        /// <inheritdoc />
        public override TopicBus CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
