using Akka.Actor;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// Where one subscription's messages wait while its subscriber is behind, for the topics with a quality of service:
/// a message goes to the subscriber's mailbox only while fewer than the topic's depth wait there (or are leased);
/// otherwise it waits here, where keep-last drops the oldest and reliable makes the lane and the publisher wait.
/// </summary>
/// <remarks>
/// <para>Messages of topics without a quality of service go straight to the mailbox, unless others wait here before them,
/// or the mailbox already holds <see cref="TopicSettings.MaxWaiting"/> messages: then they are dropped and counted.</para>
/// <para>Whenever a message leaves the queue (or the subscription ends), the gate says so to the lane's
/// <see cref="LaneSignal"/>, which wakes a lane or a publisher held back by a full reliable queue.</para>
/// <para>The mailbox has no hook that tells when the subscriber takes a message, but every actor's cell answers an
/// <see cref="Identify"/> itself, in mailbox order, without the actor seeing it: behind each message that passes the
/// gate's queue it sends one, answered to the gate, so the gate knows how many of its messages the subscriber has not
/// taken yet and moves the next one the moment one is taken; a lease disposed does the same. A subscriber without a
/// cell (not a local actor) is counted by its leases only.</para>
/// </remarks>
internal sealed class DeliveryGate
{
    private static readonly Identify Taken = new(null);
    // Reading the mailbox's length costs more than the rest of a delivery, so it is read at every 64th message (and at
    // each one while over the limit): the mailbox passes the limit by at most that many.
    private const int CheckEvery = 64;
    private readonly IActorRef _subscriber;
    private readonly Action _countDrop;
    private readonly Action _roomMade;
    private readonly int _maxWaiting;
    private readonly Action<string, bool> _overflow;
    private int _sinceCheck;
    private bool _full;
    private bool _overflowLogged;
    private readonly Lock _gate = new();
    private readonly Queue<Waiting> _pending = new();
    private readonly IActorRef? _taken;
    private int _leases;
    private int _inMailbox;
    private volatile int _waiting;
    private bool _closed;

    /// <param name="subscriber">The subscribing actor.</param>
    /// <param name="countDrop">Counts a message a keep-last topic dropped.</param>
    /// <param name="roomMade">Wakes what waits for room on a reliable topic.</param>
    /// <param name="maxWaiting">How many messages may wait in the subscriber's mailbox before new ones of topics without a quality of service are dropped.</param>
    /// <param name="overflow">Counts such a drop, with its topic and whether to log it (the first since the subscriber last caught up).</param>
    public DeliveryGate(IActorRef subscriber, Action countDrop, Action roomMade, int maxWaiting, Action<string, bool> overflow)
    {
        _subscriber = subscriber;
        _countDrop = countDrop;
        _roomMade = roomMade;
        _maxWaiting = maxWaiting;
        _overflow = overflow;
        _taken = subscriber is ActorRefWithCell cell ? new TakenSignal(this, cell.Provider) : null;
    }

    /// <summary>Gets how many messages wait here.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Gets how many leases the subscriber holds now.</summary>
    public int Leases => Volatile.Read(ref _leases);


    /// <summary>Tells whether a reliable topic with this depth has room for one more message here.</summary>
    public bool HasRoom(int depth)
    {
        lock (_gate)
        {
            return _pending.Count < depth;
        }
    }

    public void Offer(TopicMessage message, IActorRef sender, TopicQos? qos)
    {
        // Only the route's sink offers, one message at a time, so nothing waiting now means nothing to overtake.
        if (qos is null && _waiting == 0)
        {
            if (Overflowing())
            {
                (message.Payload as TopicLease)?.Dispose();
                _overflow(message.Topic, !_overflowLogged);
                _overflowLogged = true;
                return;
            }

            Send(message, sender);
            return;
        }

        List<TopicMessage>? dropped = null;
        lock (_gate)
        {
            if (_pending.Count == 0 && (qos is null || Outstanding() < qos.Depth))
            {
                SendCounted(message, sender);
                return;
            }

            _pending.Enqueue(new Waiting(message, sender, qos));
            if (qos is { History: TopicHistory.KeepLast })
            {
                while (_pending.Count > qos.Depth && _pending.TryPeek(out var oldest) && oldest.Qos is not null)
                {
                    (dropped ??= []).Add(_pending.Dequeue().Message);
                }
            }

            _waiting = _pending.Count;
        }

        foreach (var message1 in dropped ?? [])
        {
            (message1.Payload as TopicLease)?.Dispose();
            _countDrop();
        }
    }

    /// <summary>The subscription ended: what waits is dropped without counting.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var waiting in _pending)
            {
                (waiting.Message.Payload as TopicLease)?.Dispose();
            }

            _pending.Clear();
            _waiting = 0;
        }

        _roomMade();
    }

    // A lease counts as held from when it reaches the subscriber's mailbox until the subscriber disposes it.
    private void Send(TopicMessage message, IActorRef sender)
    {
        if (message.Payload is TopicLease lease)
        {
            Interlocked.Increment(ref _leases);
            lease.Track(LeaseDisposed);
        }

        _subscriber.Tell(message, sender);
    }

    // The subscriber's mailbox's length, its gate's messages and everything else in it.
    private int Mailbox() => _subscriber is ActorRefWithCell { Underlying: { } cell } ? cell.NumberOfMessages : 0;

    private bool Overflowing()
    {
        if (!_full && ++_sinceCheck < CheckEvery)
        {
            return false;
        }

        _sinceCheck = 0;
        _full = Mailbox() >= _maxWaiting;
        if (!_full)
        {
            _overflowLogged = false;
        }

        return _full;
    }

    // Under the lock: a message that passed the queue, with the Identify behind it that tells when it is taken.
    private void SendCounted(TopicMessage message, IActorRef sender)
    {
        Send(message, sender);
        if (_taken is not null)
        {
            _inMailbox++;
            _subscriber.Tell(Taken, _taken);
        }
    }

    private int Outstanding() => Math.Max(_inMailbox, Volatile.Read(ref _leases));

    // The subscriber's cell answered the Identify behind one of the gate's messages: it has taken that message.
    private void OnTaken()
    {
        lock (_gate)
        {
            _inMailbox--;
        }

        if (_waiting > 0)
        {
            Pump();
        }
    }

    private void LeaseDisposed()
    {
        Interlocked.Decrement(ref _leases);
        if (_waiting > 0)
        {
            Pump();
        }
    }

    private void Pump()
    {
        var taken = false;
        lock (_gate)
        {
            while (!_closed && _pending.TryPeek(out var head) && (head.Qos is null || Outstanding() < head.Qos.Depth))
            {
                _pending.Dequeue();
                SendCounted(head.Message, head.Sender);
                taken = true;
            }

            _waiting = _pending.Count;
        }

        if (taken)
        {
            _roomMade();
        }
    }

    private sealed record Waiting(TopicMessage Message, IActorRef Sender, TopicQos? Qos);

    // Where the subscriber's cell answers the gate's Identify, on the subscriber's thread as it takes it.
    private sealed class TakenSignal(DeliveryGate gate, IActorRefProvider provider) : MinimalActorRef
    {
        public override ActorPath Path { get; } = provider.TempPath();

        public override IActorRefProvider Provider { get; } = provider;

        protected override void TellInternal(object message, IActorRef sender)
        {
            if (message is ActorIdentity)
            {
                gate.OnTaken();
            }
        }
    }
}
