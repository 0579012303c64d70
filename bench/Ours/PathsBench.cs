using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Paths;
using Cluster.Bench.Baselines;
using Cluster.Bench.Support;

namespace Cluster.Bench.Ours;

/// <summary>
/// The paths face between two nodes: a state change from its owner on node A to an observer on node B against a raw
/// DistributedPubSub publish of the same value to a subscriber on B (latency, one in flight, one of each per step; and
/// changes per second), and an action call round trip against a raw Ask of a small message to an echo actor on B.
/// </summary>
public sealed class PathsBench : IBenchGroup
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private const string RawTopic = "bench-paths-raw";
    private const string StatePath = "/bench/state";
    private const string ActionPath = "/bench/echo";

    /// <inheritdoc />
    public string Name => "paths";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var token = context.CancellationToken;
        await using var nodes = await ClusterNodes.StartAsync(2, BenchConfig.Node(ClusterHocon.Host), token);
        var size = context.Size;

        await using var owner = PathClient.Create(nodes[0]);
        await using var remote = PathClient.Create(nodes[1]);
        var state = await owner.RegisterStateAsync<long>(StatePath);
        await remote.RegisterActionAsync<int, int>(ActionPath, value => value);
        await Conditions.WaitUntilAsync(() => NameRegistry.Get(nodes[1]).TryLookup(StatePath, out _), Deadline, "the state's path reaching node B", token);
        await Conditions.WaitUntilAsync(() => NameRegistry.Get(nodes[0]).TryLookup(ActionPath, out _), Deadline, "the action's path reaching node A", token);

        var ours = Channel.CreateUnbounded<(long Value, long At)>(new UnboundedChannelOptions { SingleReader = true });
        await using var observation = await remote.ObserveAsync<long>(StatePath, value => ours.Writer.TryWrite((value.Value, Stopwatch.GetTimestamp())), token);
        var raw = Channel.CreateUnbounded<(long Value, long At)>(new UnboundedChannelOptions { SingleReader = true });
        nodes[1].ActorOf(Props.Create(() => new RawSubscriber(raw.Writer)));
        var mediator = DistributedPubSub.Get(nodes[0]).Mediator;
        await WaitUntilRawReachesAsync(mediator, raw.Reader, token);

        var rows = new List<BenchRow>();
        rows.AddRange(await LatencyAsync(size.LatencySamples, state, ours.Reader, mediator, raw.Reader, token));
        rows.AddRange(await RateAsync(size.LatencySamples * 2, state, ours.Reader, mediator, raw.Reader, token));
        rows.AddRange(await CallAsync(nodes, owner, size.AskWarmup, size.AskSamples, token));
        return rows;
    }

    // A subscription reaches node A's mediator by gossip: publish until one arrives.
    private static async Task WaitUntilRawReachesAsync(IActorRef mediator, ChannelReader<(long Value, long At)> raw, CancellationToken token)
    {
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            mediator.Tell(new Publish(RawTopic, -1L));
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(100));
            try
            {
                await raw.ReadAsync(wait.Token);
                break;
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException("No raw publish from node A reached node B within 30 s.");
                }
            }
        }

        while (raw.TryRead(out _))
        {
        }
    }

    private static async Task<BenchRow[]> LatencyAsync(
        int samples, StateHandle<long> state, ChannelReader<(long Value, long At)> ours, IActorRef mediator, ChannelReader<(long Value, long At)> raw, CancellationToken token)
    {
        var rawLatency = new LatencyRecorder(samples);
        var ourLatency = new LatencyRecorder(samples);
        var warmup = samples / 10;
        for (var seq = 0L; seq < warmup + samples; seq++)
        {
            token.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            mediator.Tell(new Publish(RawTopic, seq));
            var rawArrival = await ReadValueAsync(raw, seq, token);
            start = Record(rawLatency, seq >= warmup, start, rawArrival);
            state.Changed(seq);
            var ourArrival = await ReadValueAsync(ours, seq, token);
            Record(ourLatency, seq >= warmup, start, ourArrival);
        }

        var label = $"State change to an observer on another node, one in flight (ours: StateHandle.Changed → ObserveAsync callback; raw: DistributedPubSub Publish of the same long to a subscriber; {samples:N0} each)";
        return
        [
            new BenchRow($"{label} p50", "µs", rawLatency.Microseconds(50), ourLatency.Microseconds(50)),
            new BenchRow($"{label} p99", "µs", rawLatency.Microseconds(99), ourLatency.Microseconds(99)),
        ];
    }

    private static long Record(LatencyRecorder recorder, bool recorded, long start, long arrival)
    {
        if (recorded)
        {
            recorder.Record(arrival - start);
        }

        return Stopwatch.GetTimestamp();
    }

    private static async Task<long> ReadValueAsync(ChannelReader<(long Value, long At)> reader, long expected, CancellationToken token)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(token);
        wait.CancelAfter(Deadline);
        while (true)
        {
            var (value, at) = await reader.ReadAsync(wait.Token);
            if (value == expected)
            {
                return at;
            }
        }
    }

    private static async Task<BenchRow[]> RateAsync(
        int count, StateHandle<long> state, ChannelReader<(long Value, long At)> ours, IActorRef mediator, ChannelReader<(long Value, long At)> raw, CancellationToken token)
    {
        var first = 1_000_000L;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0L; i < count; i++)
        {
            mediator.Tell(new Publish(RawTopic, first + i));
        }

        var rawEnd = await ReadValueAsync(raw, first + count - 1, token);
        var rawRate = Stats.Rate(count, start, rawEnd);

        first = 2_000_000L;
        start = Stopwatch.GetTimestamp();
        for (var i = 0L; i < count; i++)
        {
            state.Changed(first + i);
        }

        var ourEnd = await ReadValueAsync(ours, first + count - 1, token);
        var ourRate = Stats.Rate(count, start, ourEnd);
        return [new BenchRow($"State changes per second to an observer on another node, a burst of {count:N0} (ours: StateHandle.Changed; raw: DistributedPubSub Publish)", "msg/s", rawRate, ourRate)];
    }

    private static async Task<BenchRow[]> CallAsync(ClusterNodes nodes, PathClient caller, int warmup, int samples, CancellationToken token)
    {
        nodes[1].ActorOf(Props.Create<Echo>(), "paths-echo");
        var echoPath = new RootActorPath(Akka.Cluster.Cluster.Get(nodes[1]).SelfAddress) / "user" / "paths-echo";
        var echo = await nodes[0].ActorSelection(echoPath).ResolveOne(Deadline, token);
        var raw = new LatencyRecorder(samples);
        var ours = new LatencyRecorder(samples);
        for (var seq = 0; seq < warmup + samples; seq++)
        {
            token.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            var reply = await echo.Ask<HyperionPing>(new HyperionPing(seq), Deadline, token);
            var rawElapsed = Stopwatch.GetTimestamp() - start;
            start = Stopwatch.GetTimestamp();
            var answer = await caller.CallAsync<int>(ActionPath, [seq], token);
            var ourElapsed = Stopwatch.GetTimestamp() - start;
            if (reply.Seq != seq || answer != seq)
            {
                throw new InvalidOperationException($"The echoes answered {reply.Seq} and {answer} to {seq}.");
            }

            if (seq >= warmup)
            {
                raw.Record(rawElapsed);
                ours.Record(ourElapsed);
            }
        }

        var label = $"Action call round trip, 2 nodes (ours: PathClient.CallAsync of an action; raw: Ask of HyperionPing to an echo actor; {samples:N0} each)";
        return
        [
            new BenchRow($"{label} p50", "µs", raw.Microseconds(50), ours.Microseconds(50)),
            new BenchRow($"{label} p99", "µs", raw.Microseconds(99), ours.Microseconds(99)),
        ];
    }

    private sealed class RawSubscriber : ReceiveActor
    {
        public RawSubscriber(ChannelWriter<(long Value, long At)> arrivals)
        {
            Receive<SubscribeAck>(_ => { });
            Receive<long>(value => arrivals.TryWrite((value, Stopwatch.GetTimestamp())));
        }

        protected override void PreStart() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(RawTopic, Self));
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }
}
