using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Messages;

/// <summary>
/// What every listener shares: the channel and topic filter, open and close (both idempotent), the
/// callbacks, the check that each payload is a <typeparamref name="T"/>, and the counts.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public abstract class ListenerBase<T> : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly TopicBus _bus;
    private readonly ImmutableArray<string> _patterns;
    private readonly object _gate = new();
    private readonly string _owner;
    private ImmutableArray<Action<Received<T>>> _callbacks = [];
    private IActorRef? _receiver;
    private long _received;
    private long _rejected;

    /// <summary>Creates a closed listener.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="channel">The channel to listen on.</param>
    /// <param name="topics">The topics to listen to; none means every topic of the channel.</param>
    protected ListenerBase(ActorSystem system, string channel, IReadOnlyCollection<string> topics)
    {
        _system = system;
        _bus = TopicBus.Get(system);
        Channel = channel;
        Topics = [.. topics];
        _patterns = Topics.IsEmpty ? [MessageChannel.AllTopics(channel)] : [.. Topics.Select(t => MessageChannel.BusTopic(channel, t))];
        Log = Logging.GetLogger(system, GetType());
        _owner = $"The listener on channel '{channel}'";
    }

    /// <summary>Gets the channel listened on.</summary>
    public string Channel { get; }

    /// <summary>Gets the topics listened to; empty means all of the channel's.</summary>
    public ImmutableArray<string> Topics { get; }

    /// <summary>Gets whether the listener is open.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _receiver is not null;
            }
        }
    }

    /// <summary>Gets how many messages were received.</summary>
    public long ReceivedCount => Interlocked.Read(ref _received);

    /// <summary>Gets how many payloads were refused because they were not a <typeparamref name="T"/>.</summary>
    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>Gets the logger for callback errors.</summary>
    protected ILoggingAdapter Log { get; }

    /// <summary>Gets the node's clock time, for receive stamps.</summary>
    protected DateTimeOffset UtcNow => _bus.UtcNow;

    /// <summary>Adds a callback, called for every message received while it is subscribed.</summary>
    /// <param name="callback">The callback.</param>
    /// <returns>Dispose it to remove the callback.</returns>
    public IDisposable Subscribe(Action<Received<T>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ImmutableInterlocked.Update(ref _callbacks, list => list.Add(callback));
        return new Unsubscriber(() => ImmutableInterlocked.Update(ref _callbacks, list => list.Remove(callback)));
    }

    /// <summary>Starts listening; completes once publishes from every node reach it.</summary>
    /// <returns>True if it was opened, false if it was already open.</returns>
    public async Task<bool> OpenAsync()
    {
        IActorRef receiver;
        lock (_gate)
        {
            if (_receiver is not null)
            {
                return false;
            }

            OnOpening();
            _receiver = receiver = _system.ActorOf(Props.Create(() => new Receiver(OnMessage)));
        }

        foreach (var pattern in _patterns)
        {
            await _bus.SubscribeAsync(pattern, receiver).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Stops listening.</summary>
    /// <returns>True if it was closed, false if it was already closed.</returns>
    public bool Close()
    {
        lock (_gate)
        {
            if (_receiver is null)
            {
                return false;
            }

            _system.Stop(_receiver);
            _receiver = null;
            OnClosed();
            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Close();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Hands a received message on: to the callbacks at once, or to a queue.</summary>
    /// <param name="item">The message.</param>
    protected abstract void OnReceived(Received<T> item);

    /// <summary>Called under the listener's lock just before it opens.</summary>
    protected virtual void OnOpening()
    {
    }

    /// <summary>Called under the listener's lock just after it closed.</summary>
    protected virtual void OnClosed()
    {
    }

    /// <summary>Calls every callback with <paramref name="item"/>; a callback that throws is logged and the others still run.</summary>
    /// <param name="item">The message.</param>
    protected void InvokeCallbacks(Received<T> item)
    {
        foreach (var callback in _callbacks)
        {
            try
            {
                callback(item);
            }
            catch (Exception e)
            {
                Log.Error(e, "A callback of the listener on channel '{0}' threw on topic '{1}'.", Channel, item.Topic);
            }
        }
    }

    private void OnMessage(TopicMessage message)
    {
        if (!TopicPayload.TryRead<T>(message, Log, _owner, out var payload))
        {
            Interlocked.Increment(ref _rejected);
            return;
        }

        Interlocked.Increment(ref _received);
        OnReceived(new Received<T>(MessageChannel.TopicOf(Channel, message.Topic), payload, message.Sender, message.PublishedAt, UtcNow));
    }

    private sealed class Receiver : ReceiveActor
    {
        public Receiver(Action<TopicMessage> onMessage) => Receive(onMessage);
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
