using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Cluster.Bench.Baselines;
using Cluster.Bench.Support;
using Cluster.Contracts.Topics;

namespace Cluster.Bench.Ours;

/// <summary>
/// What <see cref="TopicBus.Publish"/> costs on the publishing thread when many glob patterns are subscribed,
/// against the same bus with none. Three single-node clusters in this process: one with no pattern, one with
/// only the pattern that matches, one with thousands of distinct patterns. Publishes are timed in short slices
/// that take turns across the nodes, so all share the machine's conditions.
/// </summary>
public sealed class GlobScaling : IBenchGroup
{
    private const string MissTopic = "bench/other/x";
    private const string MatchTopic = "bench/p0/x";
    private const string DrainTopic = "bench/drain";

    // Subscriptions per turn when ours and raw take turns subscribing, and how many raw ones there are at most.
    private const int RegisterBlock = 500;
    private const int RawRegistrations = 2_000;

    // Publishes per timed slice: short enough that most slices run without being preempted on a busy machine.
    private const int Slice = 1_000;

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public string Name => "glob scaling";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var cancellationToken = context.CancellationToken;
        var size = context.Size;
        var config = BenchConfig.Node(ClusterHocon.Host);
        await using var none = await Node.StartAsync(config, cancellationToken);
        await using var one = await Node.StartAsync(config, cancellationToken);
        await using var many = await Node.StartAsync(config, cancellationToken);

        await one.SubscribeAsync(Pattern(0), cancellationToken);
        var registration = await RegisterAsync(many, size.GlobPatterns, config, cancellationToken);
        if (many.Bus.KnownPatterns.Count != size.GlobPatterns)
        {
            throw new InvalidOperationException($"The bus knows {many.Bus.KnownPatterns.Count:N0} patterns after {size.GlobPatterns:N0} were subscribed.");
        }

        Case[] cases =
        [
            new(none, MissTopic, matches: 0),
            new(many, MissTopic, matches: 0),
            new(none, MatchTopic, matches: 0),
            new(one, MatchTopic, matches: 1),
            new(many, MatchTopic, matches: 1),
        ];

        // The cases take turns slice by slice, so all see the same conditions; the nodes drain after every round.
        // A first round warms the code up and fills the route cache of each topic; it is not recorded.
        var slicesPerRound = size.GlobChunk / Slice;
        var rounds = size.GlobPublishes / size.GlobChunk;
        var perSlice = cases.Select(_ => new List<double>(rounds * slicesPerRound)).ToArray();
        var known = many.Bus.KnownPatterns;
        for (var round = -1; round < rounds; round++)
        {
            for (var slice = 0; slice < slicesPerRound; slice++)
            {
                for (var c = 0; c < cases.Length; c++)
                {
                    var ns = cases[c].PublishSlice(Slice);
                    if (round >= 0)
                    {
                        perSlice[c].Add(ns);
                    }
                }
            }

            foreach (var @case in cases)
            {
                await @case.DrainAsync(cancellationToken);
            }
        }

        // A new route table empties the route cache, and the next publish per topic matches it against every pattern.
        if (!ReferenceEquals(known, many.Bus.KnownPatterns))
        {
            context.Note("glob scaling: the route table changed while publishes were timed, so the figures include matching the topics anew.");
        }

        var median = perSlice.Select(Stats.Median).ToArray();
        var patterns = $"{size.GlobPatterns:N0} glob patterns";
        var publishes = $"{size.GlobPublishes:N0} publishes, median of {Slice:N0}-publish slices";
        return
        [
            new BenchRow($"TopicBus.Publish on 1 node, per call on the publishing thread, topic matching none of {patterns} (raw column: same bus, no pattern; {publishes})", "ns", median[0], median[1]),
            new BenchRow($"TopicBus.Publish on 1 node, per call on the publishing thread, topic matching 1 of {patterns} (raw column: same bus, no pattern, so one route fewer; {publishes})", "ns", median[2], median[4]),
            new BenchRow($"TopicBus.Publish on 1 node, per call on the publishing thread, topic matching 1 of {patterns} (raw column: same bus, only the matching pattern; {publishes})", "ns", median[3], median[4]),
            new BenchRow($"Subscribing {patterns} on 1 node, one actor, each SubscribeAsync awaited before the next, total", "ms", null, registration.Total.TotalMilliseconds),
            new BenchRow($"The same, per subscription over the first {registration.Compared:N0} (raw: as many DistributedPubSub topics, each SubscribeAck awaited, taking turns with ours)", "µs", registration.RawMean.TotalMicroseconds, registration.OursMean.TotalMicroseconds),
        ];
    }

    private static string Pattern(int i) => $"bench/p{i}/*";

    // Ours on the node with many patterns. Raw, for the first subscriptions only (enough for a mean), on a node of
    // its own that is stopped before any publish is timed, so its mediator topics do not weigh on the reference.
    // The two take turns block by block.
    private static async Task<Registration> RegisterAsync(Node many, int count, Config config, CancellationToken cancellationToken)
    {
        var compared = Math.Min(RawRegistrations, count);
        await using var rawNode = await ClusterNodes.StartAsync(1, config, cancellationToken);
        var mediator = DistributedPubSub.Get(rawNode[0]).Mediator;
        var rawSubscriber = rawNode[0].ActorOf(Props.Create<Subscriber>(new SemaphoreSlim(0)));
        var (ours, oursCompared, raw) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        for (var block = 0; block < count; block += RegisterBlock)
        {
            var end = Math.Min(block + RegisterBlock, count);
            var start = Stopwatch.GetTimestamp();
            for (var i = block; i < end; i++)
            {
                await many.SubscribeAsync(Pattern(i), cancellationToken);
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            ours += elapsed;
            if (block >= compared)
            {
                continue;
            }

            oursCompared += elapsed;
            start = Stopwatch.GetTimestamp();
            for (var i = block; i < end; i++)
            {
                await mediator.Ask<SubscribeAck>(new Subscribe($"raw/p{i}", rawSubscriber), StepTimeout, cancellationToken);
            }

            raw += Stopwatch.GetElapsedTime(start);
        }

        return new Registration(ours, compared, oursCompared / compared, raw / compared);
    }

    /// <summary>How long subscribing took.</summary>
    /// <param name="Total">All of ours.</param>
    /// <param name="Compared">How many of the first subscriptions were compared with raw ones.</param>
    /// <param name="OursMean">Ours per subscription, over the compared ones.</param>
    /// <param name="RawMean">Raw per subscription.</param>
    private sealed record Registration(TimeSpan Total, int Compared, TimeSpan OursMean, TimeSpan RawMean);

    /// <summary>One measured combination: a node and the topic published on.</summary>
    /// <param name="node">The node whose bus publishes.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="matches">How many of the node's glob subscriptions the topic matches.</param>
    private sealed class Case(Node node, string topic, int matches)
    {
        private static readonly Counted Payload = new(1, Last: false);

        private int _drains;

        /// <summary>Publishes <paramref name="publishes"/> times in a row.</summary>
        /// <returns>The mean time per publish, in nanoseconds.</returns>
        public double PublishSlice(int publishes)
        {
            var bus = node.Bus;
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < publishes; i++)
            {
                bus.Publish(topic, Payload);
            }

            return Stopwatch.GetElapsedTime(start).TotalNanoseconds / publishes;
        }

        /// <summary>Waits until the node has handled everything published so far, so memory stays bounded.</summary>
        public async Task DrainAsync(CancellationToken cancellationToken)
        {
            // Publishes on one topic reach a subscription in order, and the mediator handles its mailbox in order:
            // once the markers arrive, everything published before them has been handled.
            var bus = node.Bus;
            var marker = ++_drains;
            bus.Publish(topic, marker);
            bus.Publish(DrainTopic, marker);
            for (var expected = matches + 1; expected > 0; expected--)
            {
                if (!await node.Markers.WaitAsync(StepTimeout, cancellationToken))
                {
                    throw new TimeoutException($"The node did not handle the publishes on '{topic}' within {StepTimeout.TotalSeconds:0} s.");
                }
            }
        }
    }

    /// <summary>A single-node cluster with one subscriber actor for every subscription.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly ClusterNodes _nodes;
        private readonly IActorRef _subscriber;

        private Node(ClusterNodes nodes)
        {
            _nodes = nodes;
            Bus = TopicBus.Get(nodes[0]);
            _subscriber = nodes[0].ActorOf(Props.Create(() => new Subscriber(Markers)));
        }

        public TopicBus Bus { get; }

        public SemaphoreSlim Markers { get; } = new(0);

        public static async Task<Node> StartAsync(Config config, CancellationToken cancellationToken)
        {
            var node = new Node(await ClusterNodes.StartAsync(1, config, cancellationToken));
            await node.SubscribeAsync(DrainTopic, cancellationToken);
            return node;
        }

        public Task SubscribeAsync(string pattern, CancellationToken cancellationToken) =>
            Bus.SubscribeAsync(pattern, _subscriber, cancellationToken).WaitAsync(StepTimeout, cancellationToken);

        public ValueTask DisposeAsync() => _nodes.DisposeAsync();
    }

    // Counts the markers; the measured publishes that match a pattern are delivered here too and dropped.
    private sealed class Subscriber(SemaphoreSlim markers) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case TopicMessage { Payload: int }:
                    markers.Release();
                    break;
                case TopicMessage:
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }
    }
}
