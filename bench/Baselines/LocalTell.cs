using Akka.Actor;
using Cluster.Bench.Support;

namespace Cluster.Bench.Baselines;

/// <summary>Raw local tell throughput: one sender actor tells one receiver actor in the same actor system.</summary>
public sealed class LocalTell : IBenchGroup
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public string Name => "local tell";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var size = context.Size;
        var system = ActorSystem.Create(BenchConfig.SystemName, BenchConfig.Local);
        try
        {
            // A short first run lets the JIT reach its optimised tier before anything is recorded.
            await MeasureAsync(system, size.LocalTellMessages / 5, context.CancellationToken);
            var rates = new List<double>();
            for (var run = 0; run < size.LocalTellRuns; run++)
            {
                rates.Add(await MeasureAsync(system, size.LocalTellMessages, context.CancellationToken));
            }

            return [new BenchRow($"Local tell, 1 sender → 1 receiver, one ActorSystem ({size.LocalTellMessages:N0} msgs, median of {size.LocalTellRuns})", "msg/s", Stats.Median(rates))];
        }
        finally
        {
            await system.Terminate().WaitAsync(RunTimeout);
        }
    }

    // The clock stops when the receiver counts the last message, not when the sender has sent it.
    private static async Task<double> MeasureAsync(ActorSystem system, int count, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = system.ActorOf(Props.Create(() => new Receiver(count, done)));
        var sender = system.ActorOf(Props.Create(() => new Sender(receiver, count)));
        var start = Stopwatch.GetTimestamp();
        sender.Tell(Sender.Go.Instance);
        var end = await done.Task.WaitAsync(RunTimeout, cancellationToken);
        system.Stop(sender);
        system.Stop(receiver);
        return Stats.Rate(count, start, end);
    }

    private sealed class Sender(IActorRef receiver, int count) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not Go)
            {
                Unhandled(message);
                return;
            }

            var self = Self;
            for (var i = 0; i < count; i++)
            {
                receiver.Tell(Tick.Instance, self);
            }
        }

        internal sealed class Go
        {
            public static readonly Go Instance = new();
        }
    }

    private sealed class Receiver(int expected, TaskCompletionSource<long> done) : UntypedActor
    {
        private int _received;

        protected override void OnReceive(object message)
        {
            if (++_received == expected)
            {
                done.TrySetResult(Stopwatch.GetTimestamp());
            }
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
