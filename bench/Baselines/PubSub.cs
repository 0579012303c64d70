using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Agents.Hosting;
using Cluster.Bench.Support;
using Cluster.Contracts;
using Cluster.Contracts.Serialization;

namespace Cluster.Bench.Baselines;

/// <summary>
/// Raw DistributedPubSub between two host nodes in this process: one publisher on node A, one
/// subscriber on node B, measured for throughput and, on a separate paced stream, one-way latency.
/// </summary>
public sealed class PubSub : IBenchGroup
{
    private const string Topic = "bench";

    // The publisher stays at most this far ahead of the subscriber, so the run's memory stays bounded.
    private const int Window = 10_000;

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(50);

    /// <inheritdoc />
    public string Name => "pub-sub";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        await using var nodes = await ClusterNodes.StartAsync(2, BenchConfig.Node(ClusterHocon.Host), context.CancellationToken);
        var handoff = new Handoff();
        nodes[1].ActorOf(Props.Create(() => new Subscriber(handoff)), "subscriber");
        await handoff.Subscribed.Task.WaitAsync(StepTimeout, context.CancellationToken);

        var publisher = nodes[0];
        var serializerName = SerializerCheck.Require(publisher, new Counted(0, Last: false), typeof(HyperionSerializer));
        SerializerCheck.Require(publisher, new Timed(0), typeof(HyperionSerializer));
        var mediator = DistributedPubSub.Get(publisher).Mediator;

        var visibleAfter = await WaitForSubscriptionAsync(mediator, handoff, context.CancellationToken);
        context.Note($"pub-sub: after SubscribeAck on B, a publish from A first reached B after {visibleAfter.TotalMilliseconds:N0} ms (mediator gossip).");

        var size = context.Size;
        await MeasureThroughputAsync(mediator, handoff, size.PubSubMessages / 5, context.CancellationToken);
        var rates = new List<double>();
        for (var run = 0; run < size.PubSubRuns; run++)
        {
            rates.Add(await MeasureThroughputAsync(mediator, handoff, size.PubSubMessages, context.CancellationToken));
        }

        var latency = await MeasureLatencyAsync(mediator, handoff, size, context.CancellationToken);
        var label = $"DistributedPubSub 1 → 1 remote, {serializerName}";
        return
        [
            new BenchRow($"{label}, throughput ({size.PubSubMessages:N0} msgs, ≤ {Window:N0} in flight, median of {size.PubSubRuns})", "msg/s", Stats.Median(rates)),
            new BenchRow($"{label}, one-way latency p50 ({size.LatencySamples:N0} msgs, one in flight)", "µs", latency.Microseconds(50)),
            new BenchRow($"{label}, one-way latency p99 ({size.LatencySamples:N0} msgs, one in flight)", "µs", latency.Microseconds(99)),
        ];
    }

    // A SubscribeAck only means B's mediator knows the subscriber; A learns of it by gossip later.
    private static async Task<TimeSpan> WaitForSubscriptionAsync(IActorRef mediator, Handoff handoff, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            mediator.Tell(new Publish(Topic, Probe.Instance));
            if (await handoff.ProbeArrived.WaitAsync(ProbeInterval, cancellationToken))
            {
                return Stopwatch.GetElapsedTime(start);
            }

            if (Stopwatch.GetElapsedTime(start) > StepTimeout)
            {
                throw new TimeoutException($"No publish from A reached the subscriber on B within {StepTimeout.TotalSeconds:0} s.");
            }
        }
    }

    private static async Task<double> MeasureThroughputAsync(IActorRef mediator, Handoff handoff, int count, CancellationToken cancellationToken)
    {
        if (count % Handoff.CreditBatch != 0)
        {
            throw new ArgumentException($"The message count must be a multiple of {Handoff.CreditBatch}.", nameof(count));
        }

        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < count; sent += Handoff.CreditBatch)
        {
            if (!await handoff.Credits.WaitAsync(StepTimeout, cancellationToken))
            {
                throw new TimeoutException($"The subscriber stayed {Window:N0} messages behind for {StepTimeout.TotalSeconds:0} s after {sent:N0} of {count:N0} were published.");
            }

            for (var i = sent; i < sent + Handoff.CreditBatch; i++)
            {
                mediator.Tell(new Publish(Topic, new Counted(i, Last: i == count - 1)));
            }
        }

        var (received, end) = await handoff.Runs.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(StepTimeout, cancellationToken);
        if (received != count)
        {
            throw new InvalidOperationException($"The subscriber received {received:N0} of {count:N0} messages.");
        }

        return Stats.Rate(count, start, end);
    }

    private static async Task<LatencyRecorder> MeasureLatencyAsync(IActorRef mediator, Handoff handoff, BenchSize size, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder(size.LatencySamples);
        for (var i = 0; i < size.LatencyWarmup + size.LatencySamples; i++)
        {
            mediator.Tell(new Publish(Topic, new Timed(Stopwatch.GetTimestamp())));
            var elapsed = await handoff.Latencies.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(StepTimeout, cancellationToken);
            if (i >= size.LatencyWarmup)
            {
                recorder.Record(elapsed);
            }
        }

        return recorder;
    }

    /// <summary>
    /// What the subscriber on node B hands to the measuring code. Both nodes live in this process, so
    /// it is shared memory rather than messages, and adds no traffic between the nodes.
    /// </summary>
    private sealed class Handoff
    {
        public const int CreditBatch = 100;

        public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SemaphoreSlim ProbeArrived { get; } = new(0);

        // One credit per batch of messages the publisher may have in flight.
        public SemaphoreSlim Credits { get; } = new(Window / CreditBatch);

        // Per throughput run: the count received and the timestamp of the last message.
        public Channel<(int Received, long EndTimestamp)> Runs { get; } = Channel.CreateUnbounded<(int, long)>();

        // Per paced message: Stopwatch ticks from publish on A to receipt on B.
        public Channel<long> Latencies { get; } = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    }

    private sealed class Subscriber(Handoff handoff) : UntypedActor
    {
        private int _received;

        protected override void PreStart() =>
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topic, Self));

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Timed timed:
                    handoff.Latencies.Writer.TryWrite(Stopwatch.GetTimestamp() - timed.SentTimestamp);
                    break;
                case Counted counted:
                    OnCounted(counted);
                    break;
                case Probe:
                    handoff.ProbeArrived.Release();
                    break;
                case SubscribeAck:
                    handoff.Subscribed.TrySetResult();
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        private void OnCounted(Counted counted)
        {
            if (++_received % Handoff.CreditBatch == 0)
            {
                handoff.Credits.Release();
            }

            if (counted.Last)
            {
                handoff.Runs.Writer.TryWrite((_received, Stopwatch.GetTimestamp()));
                _received = 0;
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
