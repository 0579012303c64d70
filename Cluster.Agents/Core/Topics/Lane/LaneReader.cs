using System.Net.Sockets;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// Reads a lane connection through a buffer, so that a stream of small messages costs one receive call per buffer
/// full rather than several per message; a read at least as large as the buffer goes straight into its destination.
/// </summary>
internal sealed class LaneReader(Socket socket, int size = 64 * 1024)
{
    private readonly byte[] _buffer = new byte[size];
    private int _start;
    private int _end;

    /// <summary>Gets the bytes read from the socket and not yet taken, for a caller that parses them in place.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Takes <paramref name="count"/> of the <see cref="Buffered"/> bytes.</summary>
    public void Advance(int count) => _start += count;

    /// <summary>Reads exactly <paramref name="into"/>'s length, or returns false when the connection ends before its first byte.</summary>
    public async ValueTask<bool> ReadFirstAsync(Memory<byte> into, CancellationToken cancellationToken)
    {
        if (_start == _end && await FillAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return false;
        }

        await ReadExactlyAsync(into, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads exactly <paramref name="into"/>'s length.</summary>
    /// <exception cref="EndOfStreamException">The connection ended first.</exception>
    public async ValueTask ReadExactlyAsync(Memory<byte> into, CancellationToken cancellationToken)
    {
        var read = Take(into.Span);
        while (read < into.Length)
        {
            var left = into[read..];
            if (left.Length >= _buffer.Length)
            {
                var count = await socket.ReceiveAsync(left, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                read += count > 0 ? count : throw new EndOfStreamException($"The lane closed after {read} of {into.Length} bytes.");
                continue;
            }

            if (await FillAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new EndOfStreamException($"The lane closed after {read} of {into.Length} bytes.");
            }

            read += Take(left.Span);
        }
    }

    private int Take(Span<byte> into)
    {
        var count = Math.Min(into.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(into);
        _start += count;
        return count;
    }

    private async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return _end;
    }
}
