using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Bench.Support;
using Cluster.Contracts;

namespace Cluster.Bench.Baselines;

/// <summary>
/// Raw DistributedPubSub from node A to one subscriber on node B: the reference the topic bus is measured
/// against (see <see cref="Ours.TopicBusBench"/> and <see cref="Ours.SubscribeLatency"/>).
/// </summary>
public sealed class PubSub : IPubSubPath
{
    private readonly IActorRef _mediator;
    private readonly string _topic;

    private PubSub(IActorRef mediator, string topic, PubSubHandoff handoff)
    {
        _mediator = mediator;
        _topic = topic;
        Handoff = handoff;
    }

    /// <inheritdoc />
    public PubSubHandoff Handoff { get; }

    /// <summary>
    /// Starts a subscriber on <paramref name="subscriberNode"/> that subscribes to <paramref name="topic"/> through
    /// its node's mediator, and waits for the <see cref="SubscribeAck"/>.
    /// </summary>
    /// <param name="publisherNode">Node A, whose mediator publishes.</param>
    /// <param name="subscriberNode">Node B.</param>
    /// <param name="topic">The DistributedPubSub topic.</param>
    /// <param name="window">How far the publisher may be ahead of the subscriber in throughput runs.</param>
    /// <param name="timeout">How long to wait for the SubscribeAck.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The path, once B's mediator has acknowledged the subscription.</returns>
    public static async Task<PubSub> SubscribeAsync(
        ActorSystem publisherNode, ActorSystem subscriberNode, string topic, int window, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var handoff = new PubSubHandoff(window);
        // Not Props.Create(() => new ...): compiling that expression would count towards the time to subscribe.
        subscriberNode.ActorOf(Props.Create<Subscriber>(topic, handoff));
        await handoff.Subscribed.Task.WaitAsync(timeout, cancellationToken);
        return new PubSub(DistributedPubSub.Get(publisherNode).Mediator, topic, handoff);
    }

    /// <inheritdoc />
    public void Publish(object message) => _mediator.Tell(new Publish(_topic, message));

    /// <summary>
    /// Publishes a <see cref="Probe"/> from node A every <paramref name="interval"/> until one reaches the
    /// subscriber: a SubscribeAck only means B's mediator knows the subscriber, A learns of it by gossip later.
    /// </summary>
    /// <param name="interval">The time between probes.</param>
    /// <param name="timeout">How long to keep probing.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The time until the first probe arrived, and how many probes had been published by then.</returns>
    /// <exception cref="TimeoutException">No probe arrived within <paramref name="timeout"/>.</exception>
    public async Task<(TimeSpan Elapsed, int Probes)> WaitUntilReachableAsync(TimeSpan interval, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        for (var probes = 1; ; probes++)
        {
            Publish(Probe.Instance);
            if (await Handoff.ProbeArrived.WaitAsync(interval, cancellationToken))
            {
                return (Stopwatch.GetElapsedTime(start), probes);
            }

            if (Stopwatch.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException($"No publish from A on '{_topic}' reached the subscriber on B within {timeout.TotalSeconds:0} s.");
            }
        }
    }

    private sealed class Subscriber(string topic, PubSubHandoff handoff) : UntypedActor
    {
        protected override void PreStart() =>
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(topic, Self));

        protected override void OnReceive(object message)
        {
            if (message is SubscribeAck)
            {
                handoff.Subscribed.TrySetResult();
            }
            else if (!handoff.Receive(message))
            {
                Unhandled(message);
            }
        }
    }
}

/// <summary>A pub-sub throughput message; the subscriber counts them and stops the clock at the last one.</summary>
/// <param name="Seq">The message's number in its run.</param>
/// <param name="Last">Whether this is the run's last message.</param>
public sealed record Counted(int Seq, bool Last) : IClusterMessage;

/// <summary>A pub-sub latency message, stamped just before it is published.</summary>
/// <param name="SentTimestamp">The publisher's <see cref="Stopwatch.GetTimestamp"/>; comparable because both nodes share the process.</param>
public sealed record Timed(long SentTimestamp) : IClusterMessage;

/// <summary>A pub-sub message sent until one reaches the subscriber, proving the subscription is known on node A.</summary>
public sealed class Probe : IClusterMessage
{
    /// <summary>Gets the only instance.</summary>
    public static Probe Instance { get; } = new();
}
