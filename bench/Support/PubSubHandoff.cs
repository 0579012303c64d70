using System.Threading.Channels;
using Cluster.Bench.Baselines;

namespace Cluster.Bench.Support;

/// <summary>
/// What a pub-sub subscriber on node B hands to the measuring code. Both nodes live in this process, so
/// it is shared memory rather than messages, and adds no traffic between the nodes. The raw subscriber
/// and the topic bus subscriber use the same handoff, so both sides do the same work per message.
/// </summary>
/// <param name="window">How many messages the publisher may be ahead of the subscriber; a multiple of <see cref="CreditBatch"/>.</param>
public sealed class PubSubHandoff(int window)
{
    /// <summary>The number of received messages that give the publisher one credit.</summary>
    public const int CreditBatch = 100;

    // Touched only by the one subscriber actor that owns this handoff.
    private int _received;

    /// <summary>Gets how many messages the publisher may be ahead of the subscriber.</summary>
    public int Window => window;

    /// <summary>Gets the subscription's acknowledgement by the subscriber's own mediator (raw pub-sub only).</summary>
    public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a release per <see cref="Probe"/> received.</summary>
    public SemaphoreSlim ProbeArrived { get; } = new(0);

    /// <summary>Gets one credit per batch of messages the publisher may have in flight.</summary>
    public SemaphoreSlim Credits { get; } = new(window / CreditBatch);

    /// <summary>Gets, per throughput run, the count received and the timestamp of the last message.</summary>
    public Channel<(int Received, long EndTimestamp)> Runs { get; } = Channel.CreateUnbounded<(int, long)>();

    /// <summary>Gets, per paced message, the <see cref="Stopwatch"/> ticks from publish on A to receipt on B.</summary>
    public Channel<long> Latencies { get; } = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>Handles one message a subscriber received; called on the subscriber actor's thread.</summary>
    /// <param name="payload">The message, or for the topic bus, the payload it carried.</param>
    /// <returns>Whether it was a pub-sub benchmark message.</returns>
    public bool Receive(object payload)
    {
        switch (payload)
        {
            case Timed timed:
                Latencies.Writer.TryWrite(Stopwatch.GetTimestamp() - timed.SentTimestamp);
                return true;
            case Counted counted:
                OnCounted(counted);
                return true;
            case Probe:
                ProbeArrived.Release();
                return true;
            default:
                return false;
        }
    }

    private void OnCounted(Counted counted)
    {
        if (++_received % CreditBatch == 0)
        {
            Credits.Release();
        }

        if (counted.Last)
        {
            Runs.Writer.TryWrite((_received, Stopwatch.GetTimestamp()));
            _received = 0;
        }
    }
}
