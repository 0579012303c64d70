using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using AkkaSerializer = Akka.Serialization.Serializer;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Configuration;
using Cluster.Contracts;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The node's topic bus: publish a payload on a topic from any node; subscribe an actor with an exact
/// topic name or a glob pattern. DistributedPubSub is the only transport.
/// </summary>
/// <remarks>
/// <para>Every matching subscription on every node gets each message once, as a <see cref="TopicMessage"/>.
/// An actor subscribed with two patterns that both match (say <c>drive/odometry</c> and <c>drive/*</c>)
/// gets the message twice, once per subscription; <see cref="TopicMessage.Subscription"/> tells them apart.</para>
/// <para>Messages from one publisher on one topic reach each subscription in publish order.</para>
/// <para><see cref="SubscribeAsync"/> completes once every host node of the cluster has shown that its
/// publishes reach the new subscription, so a publish made anywhere after it returns is delivered; it
/// waits at most <c>cluster-node.topics.subscribe-timeout</c> (3 s).</para>
/// <para>The payload is serialized once at the publisher, so a payload too large for a remote frame is
/// refused there with <see cref="PayloadTooLargeException"/>.</para>
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
    private long _nextId;
    private long _undeliverable;
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
    /// <param name="payload">The payload; any type the cluster's serializer can carry.</param>
    /// <param name="sender">Who publishes: a device name; by default this node's address.</param>
    /// <exception cref="ArgumentException">The topic is empty or has wildcards, or the payload cannot be serialized.</exception>
    /// <exception cref="PayloadTooLargeException">The serialized payload is too large to cross nodes.</exception>
    public void Publish(string topic, object payload, string? sender = null)
    {
        TopicPattern.ValidateTopic(topic);
        ArgumentNullException.ThrowIfNull(payload);
        byte[] bytes;
        try
        {
            bytes = _serializer.ToBinary(payload);
        }
        catch (Exception e)
        {
            throw new ArgumentException($"The payload of type {payload.GetType().FullName} on topic '{topic}' cannot be serialized: {e.Message}", nameof(payload), e);
        }

        if (bytes.Length > Settings.MaxPayloadBytes)
        {
            throw new PayloadTooLargeException(topic, bytes.Length, Settings.MaxPayloadBytes, Settings.FrameSize);
        }

        if (!_published.ContainsKey(topic) && _published.Count < Settings.RouteCacheSize)
        {
            _published.TryAdd(topic, 0);
        }

        var publishedAt = UtcNow;
        sender ??= _nodeName;
        var queue = _outbox.ShouldQueue();
        foreach (var route in Volatile.Read(ref _routes).RoutesFor(topic))
        {
            _outbox.Send(route, new TopicEnvelope(topic, route, sender, publishedAt, bytes) { LocalPayload = payload }, queue);
        }
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
    public async Task<TopicSubscription> SubscribeAsync(string pattern, IActorRef subscriber, CancellationToken cancellationToken = default)
    {
        var parsed = TopicPattern.Parse(pattern);
        ArgumentNullException.ThrowIfNull(subscriber);
        var subscription = new TopicSubscription(this, Interlocked.Increment(ref _nextId), parsed, subscriber);
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

    internal void AddRoute(string pattern) =>
        Volatile.Write(ref _routes, Volatile.Read(ref _routes).With(pattern));

    /// <summary>Creates the <see cref="TopicBus"/> extension; list it in <c>akka.extensions</c> to start the bus with the node.</summary>
    public sealed class Provider : ExtensionIdProvider<TopicBus>
    {
        /// <inheritdoc />
        public override TopicBus CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
