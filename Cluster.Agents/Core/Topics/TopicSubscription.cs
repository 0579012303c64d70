using Akka.Actor;

namespace Cluster.Agents.Core.Topics;

/// <summary>One subscription of an actor to a topic pattern; dispose it to unsubscribe.</summary>
public sealed class TopicSubscription : IAsyncDisposable
{
    private readonly TopicBus _bus;
    private int _disposed;

    internal TopicSubscription(TopicBus bus, long id, TopicPattern pattern, IActorRef subscriber, TopicSubscriptionOptions? options = null)
    {
        _bus = bus;
        Id = id;
        Pattern = pattern;
        Subscriber = subscriber;
        Options = options ?? TopicSubscriptionOptions.Default;
        Gate = new DeliveryGate(subscriber, bus.CountQosDrop, bus.RoomMade, bus.Settings.MaxWaiting, (topic, log) => bus.CountOverflow(subscriber, topic, log));
    }

    /// <summary>Gets how the subscription takes its messages.</summary>
    public TopicSubscriptionOptions Options { get; }

    /// <summary>Gets how many messages wait for the subscriber because it is behind (topics with a quality of service only).</summary>
    public int Waiting => Gate.Pending;

    internal DeliveryGate Gate { get; }

    /// <summary>Gets the subscription's identifier, unique on its node.</summary>
    public long Id { get; }

    /// <summary>Gets the pattern subscribed to.</summary>
    public TopicPattern Pattern { get; }

    /// <summary>Gets the actor that receives the messages.</summary>
    public IActorRef Subscriber { get; }

    /// <summary>Ends the subscription: once this completes, the subscriber gets no more messages from it.</summary>
    /// <returns>A task that completes when the subscription is removed on this node.</returns>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(_bus.UnsubscribeAsync(this)) : ValueTask.CompletedTask;
}
