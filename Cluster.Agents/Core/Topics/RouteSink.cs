using Akka.Actor;
using Akka.Event;
using Cluster.Contracts.Topics;
using AkkaSerializer = Akka.Serialization.Serializer;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// What the pub-sub mediator delivers one route to on this node: it deserializes each message's payload once and
/// hands it to every local subscription on the route, on the thread of the mediator's topic actor. Anything else
/// arriving on the route (the bus's probes) goes to the bus's actor.
/// </summary>
/// <remarks>
/// <para>The mediator's topic actor already runs one message at a time per route, in order; delivering from there
/// instead of through one more actor saves a mailbox hop on every message of the bus. The mediator watches its
/// subscribers, but this reference never terminates: the bus's actor unsubscribes it when the route's last
/// local subscription ends.</para>
/// <para>An envelope whose payload travels over the data lane waits here until its bytes arrive (or are known
/// lost); the envelopes after it on the route wait behind it, so the publish order holds across both paths.</para>
/// </remarks>
internal sealed class RouteSink : MinimalActorRef
{
    private readonly IActorRef _busActor;
    private readonly AkkaSerializer _serializer;
    private readonly ILoggingAdapter _log;
    private readonly TopicBus _bus;
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _pending = new();
    private TopicSubscription[] _subscriptions = [];

    public RouteSink(ActorSystem system, TopicBus bus, IActorRef busActor, AkkaSerializer serializer, ILoggingAdapter log)
    {
        Provider = ((ExtendedActorSystem)system).Provider;
        Path = Provider.TempPath();
        _bus = bus;
        _busActor = busActor;
        _serializer = serializer;
        _log = log;
    }

    /// <inheritdoc />
    public override ActorPath Path { get; }

    /// <inheritdoc />
    public override IActorRefProvider Provider { get; }

    /// <summary>Replaces the local subscriptions on the route; once this returns, the previous ones get no more messages.</summary>
    /// <param name="subscriptions">The subscriptions.</param>
    public void Update(TopicSubscription[] subscriptions)
    {
        lock (_gate)
        {
            _subscriptions = subscriptions;
        }
    }

    /// <summary>Tells whether every reliable subscription on the route has room for one more message of <paramref name="topic"/>.</summary>
    public bool HasRoom(string topic, TopicQos qos)
    {
        var subscriptions = Volatile.Read(ref _subscriptions);
        foreach (var subscription in subscriptions)
        {
            if (!subscription.Gate.HasRoom(qos.Depth))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    protected override void TellInternal(object message, IActorRef sender)
    {
        switch (message)
        {
            case TopicEnvelope envelope:
                // Delivering under the lock keeps Update's promise: an unsubscribed actor gets nothing after it returns.
                lock (_gate)
                {
                    Accept(envelope, sender);
                }

                break;
            case TopicBatch batch:
                lock (_gate)
                {
                    foreach (var envelope in batch.Envelopes)
                    {
                        Accept(envelope, sender);
                    }
                }

                break;
            default:
                _busActor.Tell(message, sender);
                break;
        }
    }

    private void Accept(TopicEnvelope envelope, IActorRef sender)
    {
        if (envelope.Lane is not { } lane || envelope.LocalPayload is not null)
        {
            if (_pending.Count == 0)
            {
                Deliver(envelope, sender);
            }
            else
            {
                _pending.Enqueue(new Pending(envelope, sender) { Ready = true });
            }

            return;
        }

        if (!_bus.IsLaneTarget(lane))
        {
            _bus.CountUnrouted(envelope);
            return;
        }

        var pending = new Pending(envelope, sender);
        var claim = _bus.ClaimLane(lane, result => OnClaimed(pending, result));
        if (claim is { } now)
        {
            pending.Claim = now;
            pending.Ready = true;
            if (_pending.Count == 0)
            {
                DeliverLane(envelope, now, sender);
                return;
            }
        }

        _pending.Enqueue(pending);
    }

    private void OnClaimed(Pending pending, LaneClaim claim)
    {
        lock (_gate)
        {
            pending.Claim = claim;
            pending.Ready = true;
            while (_pending.TryPeek(out var head) && head.Ready)
            {
                _pending.Dequeue();
                if (head.Claim is { } ready)
                {
                    DeliverLane(head.Envelope, ready, head.Sender);
                }
                else
                {
                    Deliver(head.Envelope, head.Sender);
                }
            }
        }
    }

    private void Deliver(TopicEnvelope envelope, IActorRef sender)
    {
        var subscriptions = _subscriptions;
        if (envelope.LocalPayload is LocalLanePayload local)
        {
            DeliverLocalLane(envelope, local, subscriptions, sender);
            return;
        }

        if (subscriptions.Length == 0)
        {
            return;
        }

        object payload;
        try
        {
            payload = envelope.LocalPayload ?? (envelope.RawPayload ? envelope.Payload : _serializer.FromBinary(envelope.Payload, typeof(object)));
        }
        catch (Exception e)
        {
            LogUndeliverable(envelope, e);
            return;
        }

        var qos = _bus.ExplicitQos(envelope.Topic);
        var delivered = new TopicMessage(envelope.Topic, payload, envelope.Sender, envelope.PublishedAt, subscriptions[0].Pattern.Text);
        foreach (var subscription in subscriptions)
        {
            subscription.Gate.Offer(delivered, sender, qos);
        }
    }

    // On the publishing node: subscribers get the published object itself, or a lease over the bytes it was copied to.
    private void DeliverLocalLane(TopicEnvelope envelope, LocalLanePayload local, TopicSubscription[] subscriptions, IActorRef sender)
    {
        try
        {
            var qos = _bus.LaneQos(envelope.Topic);
            object? shared = null;
            foreach (var subscription in subscriptions)
            {
                object payload;
                if (local.Raw && subscription.Options.Leases)
                {
                    local.Buffer.AddReference();
                    payload = new TopicLease(local.Buffer, null);
                }
                else
                {
                    shared ??= local.Original switch
                    {
                        byte[] bytes => bytes,
                        _ when local.Raw => local.Buffer.Memory.ToArray(),
                        var original => original,
                    };
                    payload = shared;
                }

                subscription.Gate.Offer(new TopicMessage(envelope.Topic, payload, envelope.Sender, envelope.PublishedAt, subscription.Pattern.Text), sender, qos);
            }
        }
        finally
        {
            local.Delivered();
        }
    }

    private void DeliverLane(TopicEnvelope envelope, LaneClaim claim, IActorRef sender)
    {
        if (claim.Buffer is not { } buffer)
        {
            _bus.CountLost(envelope);
            return;
        }

        try
        {
            var subscriptions = _subscriptions;
            if (subscriptions.Length == 0)
            {
                return;
            }

            var qos = _bus.LaneQos(envelope.Topic);
            var raw = (claim.Flags & LaneFrame.RawFlag) != 0;
            object? shared = null;
            foreach (var subscription in subscriptions)
            {
                object payload;
                if (raw && subscription.Options.Leases)
                {
                    buffer.AddReference();
                    payload = new TopicLease(buffer, null);
                }
                else
                {
                    shared ??= raw ? buffer.Span.ToArray() : _serializer.FromBinary(buffer.Span.ToArray(), typeof(object));
                    payload = shared;
                }

                subscription.Gate.Offer(new TopicMessage(envelope.Topic, payload, envelope.Sender, envelope.PublishedAt, subscription.Pattern.Text), sender, qos);
            }
        }
        catch (Exception e)
        {
            LogUndeliverable(envelope, e);
        }
        finally
        {
            buffer.Release();
        }
    }

    private void LogUndeliverable(TopicEnvelope envelope, Exception e) =>
        _log.Error(
            e,
            "Dropped a message on topic '{0}' from {1}: its payload cannot be deserialized on this node ({2} dropped so far).",
            envelope.Topic,
            envelope.Sender,
            _bus.CountUndeliverable());

    private sealed class Pending(TopicEnvelope envelope, IActorRef sender)
    {
        public TopicEnvelope Envelope { get; } = envelope;

        public IActorRef Sender { get; } = sender;

        public bool Ready { get; set; }

        public LaneClaim? Claim { get; set; }
    }
}
