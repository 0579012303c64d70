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
/// <para>A node with a data lane to this one sends its publishes over the lane, whole, and the lane hands them here
/// (<see cref="AcceptFromLane"/>) in the order they were published; a copy that also came through DistributedPubSub
/// (for the nodes without a lane) names this node among its lane copies and is dropped.</para>
/// <para>When a node switches this one onto its lane (it just learned where the lane listens, or of this route), its
/// last messages through DistributedPubSub may still be on their way while its first ones over the lane arrive. Its
/// first lane message is flagged, and a <see cref="LaneFence"/> with that message's id follows its earlier messages
/// through DistributedPubSub: the lane's messages from that node wait here, in order, until the fence (or a later one)
/// has come. A fence that does not come within <c>lane.fence-timeout</c>, or more waiting than <see cref="MaxHeld"/>
/// messages or <see cref="MaxHeldBytes"/>, ends the wait: what waited is delivered, and the miss counted and logged once.</para>
/// </remarks>
internal sealed class RouteSink : MinimalActorRef
{
    private readonly IActorRef _busActor;
    private readonly AkkaSerializer _serializer;
    private readonly ILoggingAdapter _log;
    private readonly TopicBus _bus;
    private const int MaxHeld = 10_000;
    private const long MaxHeldBytes = 64L * 1024 * 1024;
    private readonly Lock _gate = new();
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _fenceTimeout;
    private TopicSubscription[] _subscriptions = [];
    // publisher node -> its fences and what its lane brought while one is awaited
    private Dictionary<string, LaneHold>? _holds;
    // how many of them hold messages now: while none does, an unflagged lane message is delivered without a look-up
    private int _holding;

    public RouteSink(ActorSystem system, TopicBus bus, IActorRef busActor, AkkaSerializer serializer, ILoggingAdapter log)
    {
        Provider = ((ExtendedActorSystem)system).Provider;
        Path = Provider.TempPath();
        _bus = bus;
        _busActor = busActor;
        _serializer = serializer;
        _log = log;
        _scheduler = system.Scheduler;
        _fenceTimeout = bus.Settings.Lane.FenceTimeout;
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

    /// <summary>Delivers a message that came whole over the data lane, or holds it while its node's fence is awaited.</summary>
    /// <param name="node">The node whose lane it came on.</param>
    /// <param name="id">Its id on that node's lanes.</param>
    /// <param name="envelope">What the lane's header said, with the payload when it is small.</param>
    /// <param name="buffer">A large payload's bytes, with one reference this takes over; null for a small one.</param>
    /// <param name="flags">The lane flags.</param>
    public void AcceptFromLane(string node, long id, TopicEnvelope envelope, LaneBuffer? buffer, byte flags)
    {
        lock (_gate)
        {
            if (HoldFor(node, id, flags) is { } hold)
            {
                hold.Held.Enqueue(new HeldMessage(envelope, buffer, flags));
                hold.Bytes += buffer?.Length ?? envelope.Payload.Length;
                if (hold.Held.Count > MaxHeld || hold.Bytes > MaxHeldBytes)
                {
                    GiveUp(node, hold);
                }

                return;
            }

            DeliverFromLane(envelope, buffer, flags);
        }
    }

    /// <summary>The node left the cluster: no fence will come from it, so what its lane brought is delivered now.</summary>
    /// <param name="node">The node's address.</param>
    public void Forget(string node)
    {
        lock (_gate)
        {
            if (_holds is not null && _holds.Remove(node, out var hold))
            {
                Release(hold);
            }
        }
    }

    // Under the lock: the hold a lane message from node joins, or null to deliver it now.
    private LaneHold? HoldFor(string node, long id, byte flags)
    {
        LaneHold? hold;
        if ((flags & LaneFrame.FenceFlag) != 0)
        {
            hold = HoldOf(node);
            hold.Awaited = Math.Max(hold.Awaited, id);
        }
        else if (_holding == 0 || !_holds!.TryGetValue(node, out hold))
        {
            return null;
        }

        if (hold.Awaited <= hold.Arrived)
        {
            return null;
        }

        if (hold.Held.Count == 0)
        {
            StartTimer(node, hold);
        }

        return hold;
    }

    // Apart from HoldFor, so that its closure is allocated only when a wait starts, not for every lane message.
    private void StartTimer(string node, LaneHold hold)
    {
        _holding++;
        var round = ++hold.Round;
        hold.Timer = _scheduler.Advanced.ScheduleOnceCancelable(_fenceTimeout, () => TimedOut(node, hold, round));
    }

    private LaneHold HoldOf(string node)
    {
        _holds ??= new Dictionary<string, LaneHold>(StringComparer.Ordinal);
        if (!_holds.TryGetValue(node, out var hold))
        {
            _holds[node] = hold = new LaneHold();
        }

        return hold;
    }

    // Under the lock: a fence came through DistributedPubSub, after every earlier message of its node on this route.
    private void OnFence(LaneFence fence)
    {
        var hold = HoldOf(fence.Node);
        hold.Arrived = Math.Max(hold.Arrived, fence.Number);
        if (hold.Awaited <= hold.Arrived)
        {
            Release(hold);
        }
    }

    private void TimedOut(string node, LaneHold hold, int round)
    {
        lock (_gate)
        {
            if (hold.Round == round && hold.Held.Count > 0)
            {
                GiveUp(node, hold);
            }
        }
    }

    // Under the lock: stops waiting for the fence; what waited is delivered.
    private void GiveUp(string node, LaneHold hold)
    {
        var held = hold.Held.Count;
        var route = hold.Held.Peek().Envelope.Route;
        hold.Arrived = hold.Awaited;
        Release(hold);
        _bus.CountFenceMissed(node, route, held);
    }

    private void Release(LaneHold hold)
    {
        if (hold.Held.Count > 0)
        {
            _holding--;
        }

        hold.Round++;
        hold.Timer?.Cancel();
        hold.Timer = null;
        hold.Bytes = 0;
        while (hold.Held.TryDequeue(out var message))
        {
            DeliverFromLane(message.Envelope, message.Buffer, message.Flags);
        }
    }

    private void DeliverFromLane(TopicEnvelope envelope, LaneBuffer? buffer, byte flags)
    {
        if (buffer is null)
        {
            Deliver(envelope, ActorRefs.Nobody);
        }
        else
        {
            DeliverLane(envelope, buffer, flags, ActorRefs.Nobody);
        }
    }

    private void Accept(TopicEnvelope envelope, IActorRef sender)
    {
        if (envelope.Fence is { } fence)
        {
            OnFence(fence);
            return;
        }

        if (envelope.LocalPayload is null)
        {
            // The nodes that got the publish over their lanes drop this copy; a large payload's bytes went only there.
            if (envelope.Lane is { } lane)
            {
                if (!_bus.IsLaneTarget(lane.Targets))
                {
                    _bus.CountUnrouted(envelope);
                }

                return;
            }

            if (envelope.LaneCopies.Count > 0 && _bus.IsLaneTarget(envelope.LaneCopies))
            {
                return;
            }
        }

        Deliver(envelope, sender);
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

    private void DeliverLane(TopicEnvelope envelope, LaneBuffer buffer, byte flags, IActorRef sender)
    {
        try
        {
            var subscriptions = _subscriptions;
            if (subscriptions.Length == 0)
            {
                return;
            }

            var qos = _bus.LaneQos(envelope.Topic);
            var raw = (flags & LaneFrame.RawFlag) != 0;
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

    private sealed record HeldMessage(TopicEnvelope Envelope, LaneBuffer? Buffer, byte Flags);

    private sealed class LaneHold
    {
        public Queue<HeldMessage> Held { get; } = new();

        // The highest fence number that came through DistributedPubSub, and the highest a flagged lane message awaits.
        public long Arrived { get; set; }

        public long Awaited { get; set; }

        public long Bytes { get; set; }

        // Rises whenever a wait ends, so a timer of an earlier wait does nothing.
        public int Round { get; set; }

        public ICancelable? Timer { get; set; }
    }

    private void LogUndeliverable(TopicEnvelope envelope, Exception e) =>
        _log.Error(
            e,
            "Dropped a message on topic '{0}' from {1}: its payload cannot be deserialized on this node ({2} dropped so far).",
            envelope.Topic,
            envelope.Sender,
            _bus.CountUndeliverable());
}
