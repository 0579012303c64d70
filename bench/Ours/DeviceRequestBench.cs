using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Devices;
using Cluster.Agents.Hosting;
using Cluster.Bench.Baselines;
using Cluster.Bench.Support;
using Cluster.Contracts.Calls;

namespace Cluster.Bench.Ours;

/// <summary>
/// A device request round trip between two nodes (a call by name, with the registry lookup, the call's
/// watch and its serialization check) against a raw Ask of a small message to an echo actor on the same
/// node, one of each per step so both see the same conditions.
/// </summary>
public sealed class DeviceRequestBench : IBenchGroup
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public string Name => "device request";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var config = ConfigurationFactory.ParseString("cluster-node.devices.heartbeat-interval = 0s").WithFallback(BenchConfig.Node(ClusterHocon.Host));
        await using var nodes = await ClusterNodes.StartAsync(2, config, context.CancellationToken);
        NameRegistry.Get(nodes[0]);
        await NamedActors.StartAsync(nodes[1], Props.Create(() => new EchoDevice()), "bench-echo");
        await Conditions.WaitUntilAsync(() => NameRegistry.Get(nodes[0]).TryLookup("bench-echo", out _), Deadline, "the device's name reaching node A", context.CancellationToken);

        nodes[1].ActorOf(Props.Create<Echo>(), "echo");
        var echoPath = new RootActorPath(Akka.Cluster.Cluster.Get(nodes[1]).SelfAddress) / "user" / "echo";
        var echo = await nodes[0].ActorSelection(echoPath).ResolveOne(Deadline, context.CancellationToken);
        var calls = CallClient.Get(nodes[0]);

        var size = context.Size;
        var raw = new LatencyRecorder(size.AskSamples);
        var ours = new LatencyRecorder(size.AskSamples);
        for (var seq = 0; seq < size.AskWarmup + size.AskSamples; seq++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();

            // One of each per step, so a burst of other work on the machine hits both alike.
            var start = Stopwatch.GetTimestamp();
            var reply = await echo.Ask<HyperionPing>(new HyperionPing(seq), Deadline, context.CancellationToken);
            var rawElapsed = Stopwatch.GetTimestamp() - start;
            Check(reply.Seq, seq);
            start = Stopwatch.GetTimestamp();
            var answer = await calls.RequestAsync<int>("bench-echo", new EndpointCall("echo", [seq]), Deadline, context.CancellationToken);
            var ourElapsed = Stopwatch.GetTimestamp() - start;
            Check(answer, seq);
            if (seq >= size.AskWarmup)
            {
                raw.Record(rawElapsed);
                ours.Record(ourElapsed);
            }
        }

        var label = $"Device request round trip, 2 nodes (ours: Request by name to a device; raw: Ask of HyperionPing to an echo actor; {size.AskSamples:N0} each)";
        return
        [
            new BenchRow($"{label} p50", "µs", raw.Microseconds(50), ours.Microseconds(50)),
            new BenchRow($"{label} p99", "µs", raw.Microseconds(99), ours.Microseconds(99)),
        ];
    }

    private static void Check(int answer, int asked)
    {
        if (answer != asked)
        {
            throw new InvalidOperationException($"The echo answered {answer} to {asked}.");
        }
    }

    private sealed class EchoDevice : DeviceActor
    {
        public EchoDevice() => OnRequest<int, int>("echo", value => value);
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }
}
