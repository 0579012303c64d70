using Akka.Actor;
using Akka.Serialization;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Bench.Support;
using Cluster.Contracts;
using Cluster.Contracts.Serialization;

namespace Cluster.Bench.Baselines;

/// <summary>
/// Raw remote Ask round trips between two cluster nodes in this process: node A asks an echo actor on
/// node B, one ask at a time, once per serializer.
/// </summary>
public sealed class RemoteAsk : IBenchGroup
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public string Name => "remote ask";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        await using var nodes = await ClusterNodes.StartAsync(2, BenchConfig.Node(ClusterHocon.Base), context.CancellationToken);
        nodes[1].ActorOf(Props.Create<Echo>(), "echo");
        var echoPath = new RootActorPath(Akka.Cluster.Cluster.Get(nodes[1]).SelfAddress) / "user" / "echo";

        // Resolved through node A's provider: B's own IActorRef would be an in-process shortcut past remoting.
        var echo = await nodes[0].ActorSelection(echoPath).ResolveOne(AskTimeout, context.CancellationToken);
        if (echo is not IActorRefScope { IsLocal: false })
        {
            throw new InvalidOperationException($"{echoPath} resolved to a local reference: the asks would not cross the wire.");
        }

        return
        [
            .. await MeasureAsync(nodes[0], echo, seq => new HyperionPing(seq), typeof(HyperionSerializer), context),
            .. await MeasureAsync(nodes[0], echo, seq => new JsonPing(seq), typeof(NewtonSoftJsonSerializer), context),
        ];
    }

    private static async Task<BenchRow[]> MeasureAsync(
        ActorSystem system, IActorRef echo, Func<int, object> message, Type serializer, BenchContext context)
    {
        // Not Seq = 0: Akka's JSON settings leave default values out, which would flatter its size.
        var sample = message(10_000);
        var serializerName = SerializerCheck.Require(system, sample, serializer);
        var bytes = system.Serialization.FindSerializerFor(sample).ToBinary(sample).Length;
        context.Note($"remote ask: {sample} is {bytes} bytes by {serializerName} (payload only, without Akka's envelope).");
        var size = context.Size;
        var recorder = new LatencyRecorder(size.AskSamples);
        for (var seq = 0; seq < size.AskWarmup + size.AskSamples; seq++)
        {
            var request = message(seq);
            var start = Stopwatch.GetTimestamp();
            var reply = await echo.Ask<object>(request, AskTimeout, context.CancellationToken);
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (!request.Equals(reply))
            {
                throw new InvalidOperationException($"The echo answered {reply} to {request}.");
            }

            if (seq >= size.AskWarmup)
            {
                recorder.Record(elapsed);
            }
        }

        var label = $"Remote Ask round trip, 2 cluster nodes, {serializerName} ({size.AskSamples:N0} sequential asks)";
        return
        [
            new BenchRow($"{label} p50", "µs", recorder.Microseconds(50)),
            new BenchRow($"{label} p99", "µs", recorder.Microseconds(99)),
        ];
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }
}

/// <summary>A small Ask request that implements <see cref="IClusterMessage"/>, so our Hyperion serializer carries it.</summary>
/// <param name="Seq">The request's number, echoed back.</param>
public sealed record HyperionPing(int Seq) : IClusterMessage;

/// <summary>The same request without <see cref="IClusterMessage"/>, so Akka's default JSON serializer carries it.</summary>
/// <param name="Seq">The request's number, echoed back.</param>
public sealed record JsonPing(int Seq);
