using Akka.Actor;
using Cluster.Agents.Core.Topics;

namespace Cluster.Agents.Messages;

/// <summary>
/// Publishes messages of type <typeparamref name="T"/> on their channel, on a default topic (the type's
/// name unless given) or on a topic given per publish.
/// </summary>
/// <typeparam name="T">The message type, typically a record with <c>required</c> members.</typeparam>
public class Broadcaster<T>
    where T : notnull
{
    private readonly TopicBus _bus;
    private readonly string? _sender;

    /// <summary>Creates a broadcaster for <typeparamref name="T"/> on the channel named for the type.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="topic">The default topic; the type's name when null.</param>
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

    /// <summary>Publishes <paramref name="message"/> on the default topic or on <paramref name="topic"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="topic">A topic for this publish only; the default topic when null.</param>
    /// <exception cref="ArgumentException">The topic is malformed, or the message cannot be serialized.</exception>
    /// <exception cref="PayloadTooLargeException">The message is too large to cross nodes.</exception>
    public void Publish(T message, string? topic = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        _bus.Publish(MessageChannel.BusTopic(Channel, topic ?? Topic), message, _sender);
    }

    /// <summary>Publishes a message known only as an object, refusing one that is not a <typeparamref name="T"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="topic">A topic for this publish only; the default topic when null.</param>
    /// <exception cref="ArgumentException">The message is not a <typeparamref name="T"/>.</exception>
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
}
