namespace Cluster.Agents.Core.Topics;

/// <summary>
/// One payload's bytes, counted by reference: every holder (an outgoing lane, the inbox, a lease) holds one, and the
/// last to let go gives a pooled array back, exactly once.
/// </summary>
internal sealed class LaneBuffer
{
    private readonly LanePool? _pool;
    private byte[] _array;
    private int _references = 1;

    public LaneBuffer(byte[] array, int length, LanePool? pool)
    {
        _array = array;
        Length = length;
        _pool = pool;
    }

    public int Length { get; private set; }

    public byte[] Array => _array;

    public Memory<byte> Memory => _array.AsMemory(0, Length);

    public Span<byte> Span => _array.AsSpan(0, Length);

    /// <summary>Wraps bytes that are not pooled; letting go of them leaves them to the garbage collector.</summary>
    public static LaneBuffer Wrap(byte[] array) => new(array, array.Length, pool: null);

    public void AddReference()
    {
        if (Interlocked.Increment(ref _references) <= 1)
        {
            throw new InvalidOperationException("A lane buffer was used after its last holder let it go.");
        }
    }

    /// <summary>Takes one more reference unless the last holder has already let go.</summary>
    public bool TryAddReference()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            var array = Interlocked.Exchange(ref _array, []);
            if (_pool is not null && array.Length > 0)
            {
                _pool.Return(array);
            }
        }
        else if (left < 0)
        {
            throw new InvalidOperationException("A lane buffer was let go more often than it was held.");
        }
    }

    /// <summary>Gives the buffer a larger array with the same bytes, while only its writer holds it (a loan).</summary>
    public void Grow(int least, int keep, LanePool pool)
    {
        var larger = pool.Rent(Math.Max(least, _array.Length * 2L));
        _array.AsSpan(0, keep).CopyTo(larger._array);
        var old = _array;
        _array = larger._array;
        larger._array = [];
        if (_pool is not null && old.Length > 0)
        {
            _pool.Return(old);
        }
    }

    public void SetLength(int length) => Length = length;
}
