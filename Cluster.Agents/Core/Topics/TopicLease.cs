
namespace Cluster.Agents.Core.Topics;

/// <summary>
/// A payload's bytes lent to a subscriber, as ROS 2's loaned messages: read them through <see cref="Memory"/>, and
/// dispose the lease when done, so the buffer goes back to the pool instead of being copied for you.
/// </summary>
/// <remarks>
/// A subscription made with <see cref="TopicSubscriptionOptions.Leases"/> gets a <see cref="TopicLease"/> as the
/// <see cref="Cluster.Contracts.Topics.TopicMessage.Payload"/> of every raw-bytes payload (a <c>byte[]</c>,
/// <c>ReadOnlyMemory&lt;byte&gt;</c> or <see cref="TopicLoan"/> published at or above the lane threshold); typed
/// payloads arrive as objects as always. Disposing twice does nothing; a lease never disposed only costs the pool
/// its buffer, which the garbage collector takes. Every subscription gets its own lease over the same bytes.
/// </remarks>
public sealed class TopicLease : IDisposable
{
    private readonly LaneBuffer _buffer;
    private Action? _disposed;
    private int _state;

    internal TopicLease(LaneBuffer buffer, Action? disposed)
    {
        _buffer = buffer;
        _disposed = disposed;
        Length = buffer.Length;
    }

    /// <summary>Gets the payload's bytes; valid until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public ReadOnlyMemory<byte> Memory
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) != 0, this);
            return _buffer.Memory;
        }
    }

    /// <summary>Gets the payload's size in bytes.</summary>
    public int Length { get; }

    /// <summary>Gets whether the lease was disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _state) != 0;

    /// <summary>Has <paramref name="disposed"/> called when the lease is disposed (the delivery gate counts leases held).</summary>
    internal void Track(Action disposed) => _disposed = disposed;

    /// <summary>Copies the bytes into a new array, for a subscriber that wants to keep them past the lease.</summary>
    /// <returns>The copy.</returns>
    public byte[] ToArray() => Memory.ToArray();

    /// <summary>Gives the bytes back; only the first call does anything.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _state, 1) == 0)
        {
            _buffer.Release();
            _disposed?.Invoke();
        }
    }
}
