using Akka.Actor;
using Cluster.Agents.Core.Topics;
using Cluster.Bench.Support;
using Cluster.Contracts.Topics;

namespace Cluster.Bench.Ours;

/// <summary>
/// The topic bus from node A to a subscriber actor on node B: payloads at or above the lane threshold travel over the
/// data lane and arrive as <see cref="TopicLease"/>s, which the subscriber reads and disposes; smaller ones travel
/// (batched) through DistributedPubSub and arrive as <c>byte[]</c>.
/// </summary>
public sealed class TopicLanePath : ILanePath
{
    private readonly TopicBus _bus;
    private readonly string _topic;
    private readonly TopicSubscription _subscription;

    private readonly ActorSystem _system;
    private readonly IActorRef _subscriber;

    private TopicLanePath(string name, TopicBus bus, string topic, TopicSubscription subscription, LaneHandoff handoff, ActorSystem subscriberNode)
    {
        Name = name;
        _system = subscriberNode;
        _subscriber = subscription.Subscriber;
        _bus = bus;
        _topic = topic;
        _subscription = subscription;
        Handoff = handoff;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public LaneHandoff Handoff { get; }

    /// <summary>Subscribes an actor on <paramref name="subscriberNode"/> with leases and waits until the lane to it is up.</summary>
    /// <param name="publisherNode">Node A.</param>
    /// <param name="subscriberNode">Node B.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="handoff">What the subscriber reports to.</param>
    /// <param name="name">The path's name in the table.</param>
    /// <returns>The path.</returns>
    public static async Task<TopicLanePath> StartAsync(ActorSystem publisherNode, ActorSystem subscriberNode, string topic, LaneHandoff handoff, string name = "ours (TopicBus)")
    {
        var subscriber = subscriberNode.ActorOf(Props.Create<Subscriber>(handoff));
        var subscription = await TopicBus.Get(subscriberNode).SubscribeAsync(topic, subscriber, new TopicSubscriptionOptions { Leases = true });
        var bus = TopicBus.Get(publisherNode);
        await Conditions.WaitUntilAsync(() => bus.Lane is { Connected: > 0 }, TimeSpan.FromSeconds(10), "the lane from A to B connected", CancellationToken.None);
        return new TopicLanePath(name, bus, topic, subscription, handoff, subscriberNode);
    }

    /// <inheritdoc />
    public void Send(byte[] payload) => _bus.Publish(_topic, payload);

    /// <inheritdoc />
    public void Flush()
    {
    }

    /// <inheritdoc />
    public string Diagnose() =>
        $"publisher lane {_bus.Lane}; subscriber lane {TopicBus.Get(_system).Lane}, unrouted {TopicBus.Get(_system).Unrouted}, waiting {_subscription.Waiting}";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _subscription.DisposeAsync();
        _subscription.Subscriber.Tell(PoisonPill.Instance);
    }

    private sealed class Subscriber(LaneHandoff handoff) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case TopicMessage { Payload: TopicLease lease }:
                    using (lease)
                    {
                        handoff.Receive(lease.Memory.Span, lease.Length);
                    }

                    break;
                case TopicMessage { Payload: byte[] bytes }:
                    handoff.Receive(bytes, bytes.Length);
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }
    }
}
