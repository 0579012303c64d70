using System.Threading.Channels;
using Akka.Actor;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Cluster.Bench.Baselines;
using Cluster.Bench.Support;
using Cluster.Contracts.Topics;

namespace Cluster.Bench.Ours;

/// <summary>
/// How soon a fresh subscription on node B can be published to from node A. Ours: how long
/// <see cref="TopicBus.SubscribeAsync"/> takes, and how long a single publish made on A right after it
/// returns takes to arrive. Raw: from sending a DistributedPubSub Subscribe on B until a publish from A,
/// retried every 5 ms, first arrives. The three kinds (raw, exact topic, glob) take turns per topic.
/// </summary>
public sealed class SubscribeLatency : IBenchGroup
{
    // akka.cluster.pub-sub.gossip-interval in the base HOCON.
    private const int GossipIntervalMs = 100;

    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    // The bus promises delivery once SubscribeAsync returns; a publish not here by then counts as lost.
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public string Name => "subscribe latency";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var cancellationToken = context.CancellationToken;
        await using var nodes = await ClusterNodes.StartAsync(2, BenchConfig.Node(ClusterHocon.Host), cancellationToken);
        var arrivals = Channel.CreateUnbounded<(string Topic, long Timestamp)>();
        var subscriber = nodes[1].ActorOf(Props.Create(() => new Subscriber(arrivals.Writer)));
        var bus = new BusCase(TopicBus.Get(nodes[0]), TopicBus.Get(nodes[1]), subscriber, arrivals.Reader);

        var count = context.Size.SubscribeTopics;
        var rawTotal = new List<double>();
        var rawAck = new List<double>();
        var rawFirstProbeArrived = 0;
        var exact = new BusResults(count);
        var glob = new BusResults(count);

        // Topic -1 warms every code path up and is not recorded.
        for (var i = -1; i < count; i++)
        {
            await Task.Delay(GossipPhase(i, 0, count), cancellationToken);
            var start = Stopwatch.GetTimestamp();
            var raw = await PubSub.SubscribeAsync(nodes[0], nodes[1], $"fresh/raw/{i}", PubSubHandoff.CreditBatch, StepTimeout, cancellationToken);
            var acked = Stopwatch.GetElapsedTime(start);
            var (reached, probes) = await raw.WaitUntilReachableAsync(RetryInterval, StepTimeout, cancellationToken);
            await Task.Delay(GossipPhase(i, 1, count), cancellationToken);
            var exactResult = await bus.MeasureAsync($"fresh/exact/{i}", $"fresh/exact/{i}", cancellationToken);
            await Task.Delay(GossipPhase(i, 2, count), cancellationToken);
            var globResult = await bus.MeasureAsync($"fresh/glob/{i}/*", $"fresh/glob/{i}/x", cancellationToken);
            if (i < 0)
            {
                continue;
            }

            rawAck.Add(acked.TotalMilliseconds);
            rawTotal.Add((acked + reached).TotalMilliseconds);
            rawFirstProbeArrived += probes == 1 ? 1 : 0;
            exact.Add(exactResult);
            glob.Add(globResult);
        }

        context.Note(Invariant($"subscribe: raw SubscribeAck came {Stats.Median(rawAck):0.0} ms (p50) after Subscribe; the raw publish made on A right after it arrived within 5 ms for {rawFirstProbeArrived} of {count} topics, the others were lost until A's mediator learned of the subscription by gossip."));
        foreach (var (kind, results) in new[] { ("exact", exact), ("glob", glob) })
        {
            if (results.Lost > 0)
            {
                context.Note($"subscribe: {results.Lost} of {count} bus publishes ({kind}) made right after SubscribeAsync returned were not delivered within {DeliveryTimeout.TotalSeconds:0} s.");
            }
        }

        var reachable = "Subscribe on node B → publishes from node A reach it";
        var fresh = $"{count} fresh topics; ours: SubscribeAsync; raw: Subscribe, then A publishes every 5 ms until one arrives";
        var freshGlob = $"{count} fresh patterns; raw: the exact-topic figures";
        var delivered = "Publish on node A right after SubscribeAsync returned → delivered on node B";
        var promise = $"{count} fresh topics; raw makes no such promise";
        return
        [
            new BenchRow($"{reachable}, exact topic, p50 ({fresh})", "ms", Stats.Median(rawTotal), Stats.Median(exact.SubscribeMs)),
            new BenchRow($"{reachable}, exact topic, max ({fresh})", "ms", rawTotal.Max(), exact.SubscribeMs.Max()),
            new BenchRow($"{reachable}, glob pattern, p50 ({freshGlob})", "ms", Stats.Median(rawTotal), Stats.Median(glob.SubscribeMs)),
            new BenchRow($"{reachable}, glob pattern, max ({freshGlob})", "ms", rawTotal.Max(), glob.SubscribeMs.Max()),
            new BenchRow($"{delivered}, exact topic, p50 ({promise})", "µs", null, exact.DeliveredP50),
            new BenchRow($"{delivered}, exact topic, max ({promise})", "µs", null, exact.DeliveredMax),
            new BenchRow($"{delivered}, glob pattern, p50 ({promise})", "µs", null, glob.DeliveredP50),
            new BenchRow($"{delivered}, glob pattern, max ({promise})", "µs", null, glob.DeliveredMax),
        ];
    }

    // A subscription becomes known on the other node at its mediator's next gossip, so the wait depends on where in
    // the gossip interval it starts. Each step of this loop takes about the same time, which would keep that phase
    // nearly fixed and measure one point of the interval; a spread of pauses samples it across the whole interval.
    private static TimeSpan GossipPhase(int topic, int kind, int count) =>
        TimeSpan.FromMilliseconds((((topic + 1) * GossipIntervalMs / (count + 1)) + (kind * GossipIntervalMs / 3)) % GossipIntervalMs);

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One fresh bus subscription on node B, then one publish from node A.</summary>
    private sealed class BusCase(TopicBus publisherBus, TopicBus subscriberBus, IActorRef subscriber, ChannelReader<(string Topic, long Timestamp)> arrivals)
    {
        public async Task<(TimeSpan Subscribe, TimeSpan? Delivered)> MeasureAsync(string pattern, string topic, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            await subscriberBus.SubscribeAsync(pattern, subscriber, cancellationToken).WaitAsync(StepTimeout, cancellationToken);
            var returned = Stopwatch.GetTimestamp();
            publisherBus.Publish(topic, topic);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(DeliveryTimeout);
            try
            {
                while (true)
                {
                    var (arrivedTopic, at) = await arrivals.ReadAsync(deadline.Token);
                    if (arrivedTopic == topic)
                    {
                        return (Stopwatch.GetElapsedTime(start, returned), Stopwatch.GetElapsedTime(returned, at));
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (Stopwatch.GetElapsedTime(start, returned), null);
            }
        }
    }

    private sealed class BusResults(int capacity)
    {
        private readonly LatencyRecorder _delivered = new(capacity);

        public List<double> SubscribeMs { get; } = [];

        public int Lost { get; private set; }

        public double? DeliveredP50 => _delivered.Count > 0 ? _delivered.Microseconds(50) : null;

        public double? DeliveredMax => _delivered.Count > 0 ? _delivered.Microseconds(100) : null;

        public void Add((TimeSpan Subscribe, TimeSpan? Delivered) result)
        {
            SubscribeMs.Add(result.Subscribe.TotalMilliseconds);
            if (result.Delivered is { } delivered)
            {
                _delivered.Record((long)(delivered.TotalSeconds * Stopwatch.Frequency));
            }
            else
            {
                Lost++;
            }
        }
    }

    // The payload is the topic itself, so an arrival names the publish it answers.
    private sealed class Subscriber(ChannelWriter<(string Topic, long Timestamp)> arrivals) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is TopicMessage { Payload: string topic })
            {
                arrivals.TryWrite((topic, Stopwatch.GetTimestamp()));
            }
            else
            {
                Unhandled(message);
            }
        }
    }
}
