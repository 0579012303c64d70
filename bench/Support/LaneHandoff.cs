using System.Buffers.Binary;

namespace Cluster.Bench.Support;

/// <summary>
/// What the receiving side of every lane benchmark path (raw TCP, NetMQ, raw DistributedPubSub, the topic bus) reports
/// to the measuring code: one credit per <see cref="CreditBatch"/> payloads received, the end of a throughput run, and
/// one-way latencies read from the payload's first 8 bytes. The same code for every path, so each does the same work.
/// </summary>
/// <param name="window">How many payloads may be in flight; a multiple of <paramref name="creditBatch"/>.</param>
/// <param name="creditBatch">How many received payloads give one credit.</param>
public sealed class LaneHandoff(int window, int creditBatch)
{
    private int _received;
    private int _expected = int.MaxValue;
    private volatile bool _timing;
    private TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the credits: the publisher takes one per <see cref="CreditBatch"/> payloads.</summary>
    public SemaphoreSlim Credits { get; } = new(window / creditBatch);

    /// <summary>Gets how many received payloads give one credit.</summary>
    public int CreditBatch => creditBatch;

    /// <summary>Gets how many payloads may be in flight.</summary>
    public int Window => window;

    /// <summary>Gets a release per probe (a 1-byte payload) received.</summary>
    public SemaphoreSlim Probes { get; } = new(0);

    /// <summary>Gets the one-way latencies of a latency pass, in <see cref="Stopwatch"/> ticks.</summary>
    public System.Threading.Channels.Channel<long> Latencies { get; } = System.Threading.Channels.Channel.CreateUnbounded<long>();

    /// <summary>Starts a throughput run of <paramref name="count"/> payloads.</summary>
    /// <returns>The end of the run: the timestamp of the last payload's receipt.</returns>
    public Task<long> Arm(int count)
    {
        _timing = false;
        _done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _received, 0);
        Volatile.Write(ref _expected, count);
        return _done.Task;
    }

    /// <summary>Switches to latency passes: every payload reports its one-way latency instead of a credit.</summary>
    public void ArmLatency() => _timing = true;

    /// <summary>Handles one payload; called by the receiving side with at least its first 8 bytes.</summary>
    /// <param name="payload">The payload, or its first bytes.</param>
    /// <param name="length">The payload's full length.</param>
    public void Receive(ReadOnlySpan<byte> payload, int length)
    {
        if (length == 1)
        {
            Probes.Release();
            return;
        }

        if (_timing)
        {
            Latencies.Writer.TryWrite(Stopwatch.GetTimestamp() - BinaryPrimitives.ReadInt64LittleEndian(payload));
            return;
        }

        var received = Interlocked.Increment(ref _received);
        if (received % creditBatch == 0)
        {
            Credits.Release();
        }

        if (received == Volatile.Read(ref _expected))
        {
            _done.TrySetResult(Stopwatch.GetTimestamp());
        }
    }
}

/// <summary>One way of carrying payloads from node A to one receiver on node B, for <see cref="LaneHandoff"/>.</summary>
public interface ILanePath : IAsyncDisposable
{
    /// <summary>Gets the path's name in the table.</summary>
    string Name { get; }

    /// <summary>Gets what the receiver reports.</summary>
    LaneHandoff Handoff { get; }

    /// <summary>Sends one payload; the path may copy it but must not keep it.</summary>
    /// <param name="payload">The payload.</param>
    void Send(byte[] payload);

    /// <summary>Makes sure everything sent so far is on its way (a path that buffers writes flushes).</summary>
    void Flush();

    /// <summary>Gets what the path can tell about its state, for an error message.</summary>
    /// <returns>A line, or empty.</returns>
    string Diagnose() => "";
}
