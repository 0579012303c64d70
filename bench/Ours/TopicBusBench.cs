using Akka.Actor;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Cluster.Bench.Baselines;
using Cluster.Bench.Support;
using Cluster.Contracts.Serialization;
using Cluster.Contracts.Topics;

namespace Cluster.Bench.Ours;

/// <summary>
/// The topic bus beside raw DistributedPubSub on the same two host nodes: one publisher on node A, one
/// subscriber on node B, for throughput and, on a separate paced stream, one-way latency. The two paths
/// take turns run by run, so both see the same conditions on the machine.
/// </summary>
public sealed class TopicBusBench : IBenchGroup
{
    // The same shape of name on both paths: the mediator escapes a topic with a slash on every publish.
    private const string RawTopic = "bench/raw";
    private const string BusTopic = "bench/bus";

    // The publisher stays at most this far ahead of the subscriber, so the run's memory stays bounded.
    private const int Window = 10_000;

    // The latency samples of each path are taken in this many turns, alternating with the other path.
    private const int LatencyTurns = 10;

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(50);

    /// <inheritdoc />
    public string Name => "pub-sub";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var cancellationToken = context.CancellationToken;
        await using var nodes = await ClusterNodes.StartAsync(2, BenchConfig.Node(ClusterHocon.Host), cancellationToken);
        var publisher = nodes[0];
        var serializerName = SerializerCheck.Require(publisher, new Counted(0, Last: false), typeof(HyperionSerializer));
        SerializerCheck.Require(publisher, new Timed(0), typeof(HyperionSerializer));
        NoteSizes(publisher, context);

        var raw = await PubSub.SubscribeAsync(publisher, nodes[1], RawTopic, Window, StepTimeout, cancellationToken);
        var (visibleAfter, _) = await raw.WaitUntilReachableAsync(ProbeInterval, StepTimeout, cancellationToken);
        context.Note($"pub-sub: after SubscribeAck on B, a publish from A first reached B after {visibleAfter.TotalMilliseconds:N0} ms (mediator gossip).");
        var bus = await BusPath.SubscribeAsync(publisher, nodes[1], cancellationToken);
        IPubSubPath[] paths = [raw, bus];

        var size = context.Size;
        foreach (var path in paths)
        {
            // A first run of full size lets the JIT reach its optimised tier; the runs right after a shorter one
            // still paid for the background compilation and ran at a third of the speed.
            await PubSubMeasure.ThroughputAsync(path, size.PubSubMessages, cancellationToken);
        }

        var rates = paths.Select(_ => new List<double>()).ToArray();
        var cpu = paths.Select(_ => new List<double>()).ToArray();
        var batchingBefore = TopicBus.Get(publisher).Batching;
        var laneBefore = TopicBus.Get(publisher).Lane?.PayloadsSent ?? 0;
        for (var run = 0; run < size.PubSubRuns; run++)
        {
            // Which path goes first alternates, so neither always runs right after the other's backlog.
            foreach (var p in run % 2 == 0 ? [0, 1] : new[] { 1, 0 })
            {
                var (rate, cpuMicroseconds) = await PubSubMeasure.ThroughputAsync(paths[p], size.PubSubMessages, cancellationToken);
                rates[p].Add(rate);
                cpu[p].Add(cpuMicroseconds);
            }
        }

        var batching = TopicBus.Get(publisher).Batching;
        var (batches, batched) = (batching.Batches - batchingBefore.Batches, batching.Publishes - batchingBefore.Publishes);
        var overLane = (TopicBus.Get(publisher).Lane?.PayloadsSent ?? 0) - laneBefore;
        context.Note(FormattableString.Invariant(
            $"pub-sub: in the measured throughput runs the bus sent {overLane:N0} of its {(long)size.PubSubRuns * size.PubSubMessages:N0} publishes over the data lane (batched per socket write while they queue), and {batched:N0} through DistributedPubSub in {batches:N0} batches ({(batches == 0 ? 0 : (double)batched / batches):N1} per batch on average; cluster-node.topics.batch-gap = 50 µs). In the paced latency pass every publish travels alone."));

        var latencies = paths.Select(_ => new LatencyRecorder(size.LatencySamples)).ToArray();
        foreach (var path in paths)
        {
            await PubSubMeasure.LatencyAsync(path, size.LatencyWarmup, recorder: null, cancellationToken);
        }

        var turns = Math.Min(LatencyTurns, size.LatencySamples);
        for (var turn = 0; turn < turns; turn++)
        {
            var samples = (size.LatencySamples * (turn + 1) / turns) - (size.LatencySamples * turn / turns);
            for (var p = 0; p < paths.Length; p++)
            {
                await PubSubMeasure.LatencyAsync(paths[p], samples, latencies[p], cancellationToken);
            }
        }

        var label = $"DistributedPubSub 1 → 1 remote, {serializerName}";
        return
        [
            new BenchRow(
                $"{label}, throughput ({size.PubSubMessages:N0} msgs, ≤ {Window:N0} in flight, median of {size.PubSubRuns}); ours: TopicBus, exact topic",
                "msg/s",
                Stats.Median(rates[0]),
                Stats.Median(rates[1])),
            new BenchRow($"{label}, CPU time of the whole process per message in those runs (median of {size.PubSubRuns}); ours: TopicBus", "µs", Stats.Median(cpu[0]), Stats.Median(cpu[1])),
            new BenchRow($"{label}, one-way latency p50 ({size.LatencySamples:N0} msgs, one in flight); ours: TopicBus", "µs", latencies[0].Microseconds(50), latencies[1].Microseconds(50)),
            new BenchRow($"{label}, one-way latency p99 ({size.LatencySamples:N0} msgs, one in flight); ours: TopicBus", "µs", latencies[0].Microseconds(99), latencies[1].Microseconds(99)),
        ];
    }

    // What crosses the wire per message: the bus wraps the serialized payload in an envelope.
    private static void NoteSizes(ActorSystem system, BenchContext context)
    {
        var payload = new Counted(10_000, Last: false);
        var serialization = system.Serialization;
        var payloadBytes = serialization.FindSerializerFor(payload).ToBinary(payload);
        var sender = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
        var envelope = new TopicEnvelope(BusTopic, BusTopic, sender, TopicBus.Get(system).UtcNow, payloadBytes);
        var envelopeSerializer = serialization.FindSerializerFor(envelope);
        var envelopeBytes = envelopeSerializer.ToBinary(envelope).Length;
        context.Note($"pub-sub: `{payload}` is {payloadBytes.Length} bytes by HyperionSerializer; through the bus those bytes travel in a TopicEnvelope of {envelopeBytes} bytes by {envelopeSerializer.GetType().Name} (without Akka's own envelope).");
    }

    /// <summary>The topic bus from node A to one subscriber on node B, subscribed to an exact topic.</summary>
    private sealed class BusPath : IPubSubPath
    {
        private readonly TopicBus _bus;

        private BusPath(TopicBus bus, PubSubHandoff handoff)
        {
            _bus = bus;
            Handoff = handoff;
        }

        public PubSubHandoff Handoff { get; }

        // SubscribeAsync returns once node A's publishes reach the subscriber, so no probing is needed.
        public static async Task<BusPath> SubscribeAsync(ActorSystem publisherNode, ActorSystem subscriberNode, CancellationToken cancellationToken)
        {
            var handoff = new PubSubHandoff(Window);
            var subscriber = subscriberNode.ActorOf(Props.Create(() => new Subscriber(handoff)));
            await TopicBus.Get(subscriberNode).SubscribeAsync(BusTopic, subscriber, cancellationToken).WaitAsync(StepTimeout, cancellationToken);
            return new BusPath(TopicBus.Get(publisherNode), handoff);
        }

        public void Publish(object message) => _bus.Publish(BusTopic, message);
    }

    private sealed class Subscriber(PubSubHandoff handoff) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not TopicMessage { Payload: var payload } || !handoff.Receive(payload))
            {
                Unhandled(message);
            }
        }
    }
}
