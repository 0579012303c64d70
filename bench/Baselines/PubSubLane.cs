using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Bench.Support;

namespace Cluster.Bench.Baselines;

/// <summary>
/// Raw DistributedPubSub from node A to a subscriber actor on node B, with <c>byte[]</c> payloads (Akka's byte-array
/// serializer); the nodes' maximum frame size is raised for this group so that it carries 4 and 16 MiB at all.
/// </summary>
public sealed class PubSubLane : ILanePath
{
    private readonly IActorRef _mediator;
    private readonly IActorRef _subscriber;
    private readonly string _topic;

    private PubSubLane(IActorRef mediator, IActorRef subscriber, string topic, LaneHandoff handoff)
    {
        _mediator = mediator;
        _subscriber = subscriber;
        _topic = topic;
        Handoff = handoff;
    }

    /// <inheritdoc />
    public string Name => "raw DistributedPubSub";

    /// <inheritdoc />
    public LaneHandoff Handoff { get; }

    /// <summary>Subscribes an actor on <paramref name="subscriberNode"/> and waits until A's publishes reach it.</summary>
    /// <param name="publisherNode">Node A.</param>
    /// <param name="subscriberNode">Node B.</param>
    /// <param name="topic">The DistributedPubSub topic.</param>
    /// <param name="handoff">What the subscriber reports to.</param>
    /// <returns>The path.</returns>
    public static async Task<PubSubLane> StartAsync(ActorSystem publisherNode, ActorSystem subscriberNode, string topic, LaneHandoff handoff)
    {
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = subscriberNode.ActorOf(Props.Create<Subscriber>(topic, handoff, subscribed));
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var path = new PubSubLane(DistributedPubSub.Get(publisherNode).Mediator, subscriber, topic, handoff);
        var start = Stopwatch.StartNew();
        do
        {
            path.Send(new byte[1]);
            if (start.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("No DistributedPubSub probe reached the subscriber in 10 s.");
            }
        }
        while (!await handoff.Probes.WaitAsync(50));

        await Task.Delay(200);
        while (handoff.Probes.Wait(0))
        {
        }

        return path;
    }

    /// <inheritdoc />
    public void Send(byte[] payload) => _mediator.Tell(new Publish(_topic, payload.Length == 1 ? payload : (byte[])payload.Clone()));

    /// <inheritdoc />
    public void Flush()
    {
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _subscriber.Tell(PoisonPill.Instance);
        return ValueTask.CompletedTask;
    }

    private sealed class Subscriber(string topic, LaneHandoff handoff, TaskCompletionSource subscribed) : UntypedActor
    {
        protected override void PreStart() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(topic, Self));

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case SubscribeAck:
                    subscribed.TrySetResult();
                    break;
                case byte[] bytes:
                    handoff.Receive(bytes, bytes.Length);
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }
    }
}
