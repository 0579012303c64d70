using System.Buffers;

namespace Cluster.Agents.Core.Topics;

/// <summary>The node's pool of payload buffers for the lane, with counts of what was taken and given back.</summary>
internal sealed class LanePool
{
    private readonly ArrayPool<byte> _pool;
    private long _rented;
    private long _returned;

    public LanePool(long largest) =>
        _pool = ArrayPool<byte>.Create((int)Math.Min(largest, Array.MaxLength), maxArraysPerBucket: 16);

    /// <summary>Gets how many buffers were taken from the pool.</summary>
    public long Rented => Interlocked.Read(ref _rented);

    /// <summary>Gets how many buffers were given back.</summary>
    public long Returned => Interlocked.Read(ref _returned);

    public LaneBuffer Rent(long length)
    {
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A payload of one topic message holds at most {Array.MaxLength:N0} bytes.");
        }

        Interlocked.Increment(ref _rented);
        return new LaneBuffer(_pool.Rent((int)length), (int)length, this);
    }

    internal void Return(byte[] array)
    {
        Interlocked.Increment(ref _returned);
        _pool.Return(array);
    }
}
