using Akka.Actor;

namespace Cluster.Agents.Messages;

/// <summary>
/// Receives messages of type <typeparamref name="T"/> from its channel and calls its callbacks with each,
/// in arrival order, on the listener's own actor: a slow callback delays the next message (use
/// <see cref="QueuedListener{T}"/> to decouple them).
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public class Listener<T> : ListenerBase<T>
{
    /// <summary>Creates a closed listener on the channel named for <typeparamref name="T"/>.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="topics">Exact topic names to listen to; none means every topic of the channel.</param>
    public Listener(ActorSystem system, params string[] topics)
        : base(system, MessageChannel.Of<T>(), topics)
    {
    }

    /// <summary>Creates a closed listener on a named channel.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="topics">Exact topic names to listen to; none means every topic of the channel.</param>
    protected Listener(ActorSystem system, string channel, string[] topics)
        : base(system, channel, topics)
    {
    }

    /// <inheritdoc />
    protected override void OnReceived(Received<T> item) => InvokeCallbacks(item);
}
