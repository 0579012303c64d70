using Akka.Actor;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Agents.Rpc;
using Cluster.Bench.Baselines;
using Cluster.Bench.Support;

namespace Cluster.Bench.Ours;

/// <summary>
/// Agents and RPC: a typed-proxy call round trip between two cluster nodes beside a raw Ask of the same
/// payload in the same run, and spawning 100,000 agents in one container beside 100,000 plain child actors.
/// </summary>
public sealed class AgentRpc : IBenchGroup
{
    private const int SpawnCount = 100_000;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The contract of the echo agent.</summary>
    public interface IEcho
    {
        /// <summary>Answers its argument.</summary>
        /// <param name="ping">The request.</param>
        /// <returns>The same request.</returns>
        Task<HyperionPing> EchoAsync(HyperionPing ping);
    }

    /// <inheritdoc />
    public string Name => "agent rpc";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var rows = new List<BenchRow>();
        rows.AddRange(await MeasureCallsAsync(context));
        rows.AddRange(await MeasureSpawnAsync(context));
        return rows;
    }

    private static async Task<BenchRow[]> MeasureCallsAsync(BenchContext context)
    {
        await using var nodes = await ClusterNodes.StartAsync(2, BenchConfig.Node(ClusterHocon.Base), context.CancellationToken);
        nodes[1].ActorOf(Props.Create<RawEcho>(), "raw-echo");
        var echoPath = new RootActorPath(Akka.Cluster.Cluster.Get(nodes[1]).SelfAddress) / "user" / "raw-echo";
        var raw = await nodes[0].ActorSelection(echoPath).ResolveOne(AskTimeout, context.CancellationToken);
        var address = await AgentContainer.Get(nodes[1]).SpawnAsync<EchoAgent>();
        var proxy = await AgentContainer.Get(nodes[0]).ConnectAsync<IEcho>(address, context.CancellationToken);

        var size = context.Size;
        var rawLatency = new LatencyRecorder(size.AskSamples);
        var ourLatency = new LatencyRecorder(size.AskSamples);
        for (var seq = 0; seq < size.AskWarmup + size.AskSamples; seq++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var request = new HyperionPing(seq);

            // Alternating the two keeps any drift in the machine's load from favouring one of them.
            var start = Stopwatch.GetTimestamp();
            var rawReply = await raw.Ask<object>(request, AskTimeout);
            var rawElapsed = Stopwatch.GetTimestamp() - start;
            start = Stopwatch.GetTimestamp();
            var ourReply = await proxy.EchoAsync(request);
            var ourElapsed = Stopwatch.GetTimestamp() - start;
            if (!request.Equals(rawReply) || !request.Equals(ourReply))
            {
                throw new InvalidOperationException($"The echoes answered {rawReply} and {ourReply} to {request}.");
            }

            if (seq >= size.AskWarmup)
            {
                rawLatency.Record(rawElapsed);
                ourLatency.Record(ourElapsed);
            }
        }

        var label = $"Typed-proxy agent call vs raw Ask, 2 cluster nodes, HyperionPing ({size.AskSamples:N0} sequential calls)";
        return
        [
            new BenchRow($"{label} p50", "µs", rawLatency.Microseconds(50), ourLatency.Microseconds(50)),
            new BenchRow($"{label} p99", "µs", rawLatency.Microseconds(99), ourLatency.Microseconds(99)),
        ];
    }

    private static async Task<BenchRow[]> MeasureSpawnAsync(BenchContext context)
    {
        double rawMs, rawBytes, ourMs, ourBytes;
        using (var system = ActorSystem.Create(BenchConfig.SystemName, BenchConfig.Local))
        {
            var parent = system.ActorOf(Props.Create<Parent>(), "parent");
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var start = Stopwatch.GetTimestamp();
            var done = await parent.Ask<int>(SpawnCount, TimeSpan.FromMinutes(1), context.CancellationToken);
            rawMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            rawBytes = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)done;
            await system.Terminate();
        }

        using (var system = ActorSystem.Create(BenchConfig.SystemName, BenchConfig.Local))
        {
            var container = AgentContainer.Get(system);
            await container.SpawnAsync<EchoAgent>();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var start = Stopwatch.GetTimestamp();
            var spawns = new Task<AgentAddress>[SpawnCount];
            for (var i = 0; i < SpawnCount; i++)
            {
                spawns[i] = container.SpawnAsync<EchoAgent>();
            }

            await Task.WhenAll(spawns);
            ourMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            spawns = null;
            ourBytes = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)SpawnCount;
            if (container.Agents.Count != SpawnCount + 1)
            {
                throw new InvalidOperationException($"The container holds {container.Agents.Count} agents, not {SpawnCount + 1}.");
            }

            await system.Terminate();
        }

        context.Note("agent spawn: raw = 100,000 empty UntypedActor children created by one parent actor; ours = 100,000 AgentContainer.SpawnAsync<EchoAgent>() awaited together. Memory is GC.GetTotalMemory(true) after minus before, per agent.");
        return
        [
            new BenchRow($"Spawn {SpawnCount:N0} agents in one container, total time", "ms", rawMs, ourMs),
            new BenchRow($"Spawn {SpawnCount:N0} agents in one container, memory per agent", "bytes", rawBytes, ourBytes),
        ];
    }

    /// <summary>The echo agent.</summary>
    public sealed class EchoAgent : RpcAgent, IEcho
    {
        /// <inheritdoc />
        [Expose]
        public Task<HyperionPing> EchoAsync(HyperionPing ping) => Task.FromResult(ping);
    }

    private sealed class RawEcho : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class Parent : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is int count)
            {
                var props = Props.Create<Child>();
                for (var i = 0; i < count; i++)
                {
                    Context.ActorOf(props, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                Sender.Tell(count);
            }
        }
    }

    private sealed class Child : UntypedActor
    {
        protected override void OnReceive(object message)
        {
        }
    }
}
