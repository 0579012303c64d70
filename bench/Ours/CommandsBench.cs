using System.Diagnostics;
using Akka.Actor;
using Cluster.Agents.Commands;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Bench.Baselines;
using Cluster.Bench.Support;
using Cluster.Contracts.Commands;
using Cli = System.CommandLine;

namespace Cluster.Bench.Ours;

/// <summary>
/// clu commands between two nodes: a <c>ping</c> round trip (the command string parsed, its <c>&gt;</c> and <c>:</c> streamed back)
/// against a raw Ask of a small message to an echo actor; and the replies per second one command streams to another node against
/// raw Tells of the same count from an actor there.
/// </summary>
public sealed class CommandsBench : IBenchGroup
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public string Name => "commands";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var cancellationToken = context.CancellationToken;
        await using var nodes = await ClusterNodes.StartAsync(2, BenchConfig.Node(ClusterHocon.Host), cancellationToken);
        var camera = await NamedActors.StartAsync(nodes[1], Props.Create(() => new FloodActor()), "bench-camera");
        await Conditions.WaitUntilAsync(() => NameRegistry.Get(nodes[0]).TryLookup("bench-camera", out _), Deadline, "the actor's name reaching node A", cancellationToken);
        nodes[1].ActorOf(Props.Create<Echo>(), "echo");
        var echoPath = new RootActorPath(Akka.Cluster.Cluster.Get(nodes[1]).SelfAddress) / "user" / "echo";
        var echo = await nodes[0].ActorSelection(echoPath).ResolveOne(Deadline, cancellationToken);
        var client = CommandClient.Get(nodes[0]);

        var size = context.Size;
        var raw = new LatencyRecorder(size.AskSamples);
        var ours = new LatencyRecorder(size.AskSamples);
        for (var seq = 0; seq < size.AskWarmup + size.AskSamples; seq++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            await echo.Ask<HyperionPing>(new HyperionPing(seq), Deadline, cancellationToken);
            var rawElapsed = Stopwatch.GetTimestamp() - start;
            start = Stopwatch.GetTimestamp();
            var status = await client.SendCommand("bench-camera", "ping").Completion.WaitAsync(Deadline, cancellationToken);
            var ourElapsed = Stopwatch.GetTimestamp() - start;
            if (status != CommandStatus.Done)
            {
                throw new InvalidOperationException($"ping ended {status}.");
            }

            if (seq >= size.AskWarmup)
            {
                raw.Record(rawElapsed);
                ours.Record(ourElapsed);
            }
        }

        var replies = size.PubSubMessages;
        var flooder = nodes[1].ActorOf(Props.Create<RawFlooder>(), "flooder");
        var flooderRef = await nodes[0].ActorSelection(new RootActorPath(Akka.Cluster.Cluster.Get(nodes[1]).SelfAddress) / "user" / "flooder").ResolveOne(Deadline, cancellationToken);
        var rawRates = new List<double>();
        var ourRates = new List<double>();
        for (var run = 0; run < size.PubSubRuns + 1; run++)
        {
            var rawRate = await RawFloodAsync(nodes[0], flooderRef, replies, cancellationToken);
            var ourRate = await OurFloodAsync(client, replies, cancellationToken);
            if (run > 0)
            {
                rawRates.Add(rawRate);
                ourRates.Add(ourRate);
            }
        }

        _ = camera;
        _ = flooder;
        var label = $"Command round trip, 2 nodes (ours: SendCommand \"ping\" by name to its ':'; raw: Ask of HyperionPing to an echo actor; {size.AskSamples:N0} each)";
        return
        [
            new BenchRow($"{label} p50", "µs", raw.Microseconds(50), ours.Microseconds(50)),
            new BenchRow($"{label} p99", "µs", raw.Microseconds(99), ours.Microseconds(99)),
            new BenchRow(
                $"Replies streamed from one command to another node ({replies:N0} 'i' replies with one keyword, median of {size.PubSubRuns}; raw: Tells of HyperionPing from an actor there to a counter)",
                "msg/s",
                Stats.Median(rawRates),
                Stats.Median(ourRates)),
        ];
    }

    private static async Task<double> OurFloodAsync(CommandClient client, int count, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var handle = client.SendCommand("bench-camera", $"flood {count}");
        var received = 0;
        await foreach (var reply in handle.ReadRepliesAsync(cancellationToken))
        {
            received++;
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var status = await handle.Completion;
        if (status != CommandStatus.Done || received != count + 2)
        {
            throw new InvalidOperationException($"flood ended {status} after {received} replies of {count + 2}.");
        }

        return count / elapsed.TotalSeconds;
    }

    private static async Task<double> RawFloodAsync(ActorSystem system, IActorRef flooder, int count, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = system.ActorOf(Props.Create(() => new Counter(count, done)));
        var start = Stopwatch.GetTimestamp();
        flooder.Tell(new HyperionPing(count), counter);
        await done.Task.WaitAsync(Deadline, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start);
        system.Stop(counter);
        return count / elapsed.TotalSeconds;
    }

    private sealed class FloodActor : CommandActor
    {
        public FloodActor()
        {
            var count = new Cli.Argument<int>("count");
            AddCommand(new Cli.Command("flood", "Writes count replies.") { count }, (command, parse) =>
            {
                var n = parse.GetValue(count);
                var keywords = new Dictionary<string, object?> { ["seq"] = 0 };
                for (var i = 0; i < n; i++)
                {
                    keywords["seq"] = i;
                    command.Info(keywords);
                }

                command.Finish();
            });
        }
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class RawFlooder : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            var count = ((HyperionPing)message).Seq;
            for (var i = 0; i < count; i++)
            {
                Sender.Tell(new HyperionPing(i), Self);
            }
        }
    }

    private sealed class Counter(int expected, TaskCompletionSource done) : UntypedActor
    {
        private int _seen;

        protected override void OnReceive(object message)
        {
            if (++_seen == expected)
            {
                done.TrySetResult();
            }
        }
    }
}
