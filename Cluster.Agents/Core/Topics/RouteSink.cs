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
/// The mediator's topic actor already runs one message at a time per route, in order; delivering from there
/// instead of through one more actor saves a mailbox hop on every message of the bus. The mediator watches its
/// subscribers, but this reference never terminates: the bus's actor unsubscribes it when the route's last
/// local subscription ends.
/// </remarks>
internal sealed class RouteSink : MinimalActorRef
{
    private readonly IActorRef _busActor;
    private readonly AkkaSerializer _serializer;
    private readonly ILoggingAdapter _log;
    private readonly TopicBus _bus;
    private readonly Lock _gate = new();
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

    /// <inheritdoc />
    protected override void TellInternal(object message, IActorRef sender)
    {
        switch (message)
        {
            case TopicEnvelope envelope:
                // Delivering under the lock keeps Update's promise: an unsubscribed actor gets nothing after it returns.
                lock (_gate)
                {
                    Deliver(envelope, sender);
                }

                break;
            case TopicBatch batch:
                lock (_gate)
                {
                    foreach (var envelope in batch.Envelopes)
                    {
                        Deliver(envelope, sender);
                    }
                }

                break;
            default:
                _busActor.Tell(message, sender);
                break;
        }
    }

    private void Deliver(TopicEnvelope envelope, IActorRef sender)
    {
        var subscriptions = _subscriptions;
        if (subscriptions.Length == 0)
        {
            return;
        }

        object payload;
        try
        {
            payload = envelope.LocalPayload ?? _serializer.FromBinary(envelope.Payload, typeof(object));
        }
        catch (Exception e)
        {
            _log.Error(
                e,
                "Dropped a message on topic '{0}' from {1}: its payload cannot be deserialized on this node ({2} dropped so far).",
                envelope.Topic,
                envelope.Sender,
                _bus.CountUndeliverable());
            return;
        }

        var delivered = new TopicMessage(envelope.Topic, payload, envelope.Sender, envelope.PublishedAt, subscriptions[0].Pattern.Text);
        foreach (var subscription in subscriptions)
        {
            subscription.Subscriber.Tell(delivered, sender);
        }
    }
}
