using System.Buffers;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// A pooled buffer a publisher fills and then publishes without a copy, as ROS 2's loaned messages: take one from
/// <see cref="TopicBus.Loan"/>, write the payload through <see cref="IBufferWriter{T}"/> (or <see cref="GetSpan"/> and
/// <see cref="Advance"/>), and hand it to <see cref="TopicBus.Publish(string, object, string)"/>, which takes it over.
/// Dispose a loan that is not published; disposing a published one does nothing.
/// </summary>
public sealed class TopicLoan : IBufferWriter<byte>, IDisposable
{
    private readonly LanePool _pool;
    private LaneBuffer? _buffer;
    private int _written;

    internal TopicLoan(LanePool pool, int sizeHint)
    {
        _pool = pool;
        _buffer = pool.Rent(Math.Max(sizeHint, 4096));
        _buffer.SetLength(0);
    }

    /// <summary>Gets how many bytes were written.</summary>
    public int WrittenCount => _written;

    /// <summary>Gets the bytes written so far.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => Buffer.Array.AsMemory(0, _written);

    private LaneBuffer Buffer => _buffer ?? throw new ObjectDisposedException(nameof(TopicLoan), "The loan was published or disposed.");

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > Buffer.Array.Length)
        {
            throw new InvalidOperationException($"Advanced {count} bytes past the {Buffer.Array.Length - _written} that were asked for.");
        }

        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return Buffer.Array.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return Buffer.Array.AsSpan(_written);
    }

    /// <summary>Gives the buffer back to the pool unless it was published.</summary>
    public void Dispose() => Interlocked.Exchange(ref _buffer, null)?.Release();

    /// <summary>Takes the filled buffer over; the loan can no longer be written.</summary>
    internal LaneBuffer Take()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null) ?? throw new ObjectDisposedException(nameof(TopicLoan), "The loan was published or disposed.");
        buffer.SetLength(_written);
        return buffer;
    }

    private void Ensure(int sizeHint)
    {
        var buffer = Buffer;
        var need = Math.Max(sizeHint, 1);
        if (buffer.Array.Length - _written < need)
        {
            buffer.Grow(_written + need, _written, _pool);
        }
    }
}
