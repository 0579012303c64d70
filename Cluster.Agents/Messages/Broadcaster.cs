using Akka.Actor;
using Cluster.Agents.Core.Topics;

namespace Cluster.Agents.Messages;

/// <summary>
/// Publishes messages of type <typeparamref name="T"/> on their channel, on a default topic (the channel's
/// name unless given) or on a topic given per publish.
/// </summary>
/// <remarks>Close it (or dispose it) once done: a closed broadcaster refuses to publish.</remarks>
/// <typeparam name="T">The message type, typically a record with <c>required</c> members.</typeparam>
public class Broadcaster<T> : IDisposable
    where T : notnull
{
    private readonly TopicBus _bus;
    private readonly string? _sender;
    private int _closed;

    /// <summary>Creates a broadcaster for <typeparamref name="T"/> on the channel named for the type.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="topic">The default topic; the channel's name when null.</param>
    /// <param name="sender">Who publishes, for receivers; the node's address when null.</param>
    public Broadcaster(ActorSystem system, string? topic = null, string? sender = null)
        : this(system, MessageChannel.Of<T>(), topic ?? MessageChannel.Of<T>(), sender)
    {
    }

    /// <summary>Creates a broadcaster on a named channel.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="topic">The default topic.</param>
    /// <param name="sender">Who publishes; the node's address when null.</param>
    protected Broadcaster(ActorSystem system, string channel, string topic, string? sender)
    {
        _bus = TopicBus.Get(system);
        Channel = channel;
        Topic = topic;
        _sender = sender;
        _ = MessageChannel.BusTopic(channel, topic);
    }

    /// <summary>Gets the channel published on.</summary>
    public string Channel { get; }

    /// <summary>Gets the default topic.</summary>
    public string Topic { get; }

    /// <summary>Gets whether the broadcaster still publishes: true until it is closed.</summary>
    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>Publishes <paramref name="message"/> on the default topic or on <paramref name="topic"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="topic">A topic for this publish only; the default topic when null.</param>
    /// <exception cref="ArgumentException">The topic is malformed, or the message cannot be serialized.</exception>
    /// <exception cref="PayloadTooLargeException">The message is too large to cross nodes.</exception>
    /// <exception cref="ObjectDisposedException">The broadcaster is closed.</exception>
    public void Publish(T message, string? topic = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        topic ??= Topic;
        if (!IsOpen)
        {
            throw new ObjectDisposedException(
                null, $"The broadcaster on channel '{Channel}' is closed: it cannot publish on topic '{topic}'.");
        }

        _bus.Publish(MessageChannel.BusTopic(Channel, topic), message, _sender);
    }

    /// <summary>Publishes a message known only as an object, refusing one that is not a <typeparamref name="T"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="topic">A topic for this publish only; the default topic when null.</param>
    /// <exception cref="ArgumentException">The message is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The broadcaster is closed.</exception>
    public void PublishObject(object message, string? topic = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is not T typed)
        {
            throw new ArgumentException(
                $"This broadcaster publishes {typeof(T).Name} on channel '{Channel}'; it was given a {message.GetType().FullName}.",
                nameof(message));
        }

        Publish(typed, topic);
    }

    /// <summary>Stops publishing: every later publish is refused with an error naming the channel and topic.</summary>
    /// <returns>True if it was closed, false if it was already closed.</returns>
    public bool Close() => Interlocked.Exchange(ref _closed, 1) == 0;

    /// <inheritdoc />
    public void Dispose()
    {
        Close();
        GC.SuppressFinalize(this);
    }
}
