using System.Buffers.Binary;
using System.Net.Sockets;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// This node's lane to one other node: a queue of messages and one TCP connection that writes them in order. Large
/// payloads go in chunks, straight from their pooled buffers; small ones are copied into one buffer with the ones
/// queued behind them and written together, the buffer sent as soon as the queue is empty, so a lone message waits
/// for nothing. When the other node is on this machine and takes the offer, large payloads are written into a
/// shared-memory ring instead and the socket carries only where each lies (see <see cref="SharedRing"/>). It
/// connects when created, connects again after a break, and closes when the other node leaves.
/// </summary>
internal sealed class LaneSender : IAsyncDisposable
{
    private readonly TopicLane _lane;
    private readonly Lock _gate = new();
    private readonly LinkedList<Outgoing> _queue = new();
    private readonly Dictionary<string, int> _perTopic = new(StringComparer.Ordinal);
    private readonly LaneSignal _queued = new();
    private readonly LaneSignal _room = new();
    private readonly CancellationTokenSource _stop = new();
    private const int BatchSize = 64 * 1024;
    private readonly Task _loop;
    private Socket? _socket;
    private long _breakAfter = -1;
    private volatile bool _closed;
    // bytes of waiting messages that no quality of service bounds, and whether their overflow was logged since the queue last emptied
    private long _unruledBytes;
    private bool _overflowLogged;

    public LaneSender(TopicLane lane, string peer, string host, int port)
    {
        _lane = lane;
        Peer = peer;
        Host = host;
        Port = port;
        _loop = Task.Run(RunAsync);
    }

    public string Peer { get; }

    public string Host { get; }

    public int Port { get; }

    /// <summary>Gets whether the connection is up now.</summary>
    public bool Connected { get; private set; }

    /// <summary>Gets the ring file of the connection now up, when it hands payloads over shared memory (a test hook; the file is removed once the other node mapped it).</summary>
    public string? RingPath { get; private set; }

    /// <summary>Gets how many payloads wait to be written.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Test hook: the connection breaks after writing this many bytes of the next payload's body.</summary>
    public void BreakInNextPayload(long afterBytes) => Interlocked.Exchange(ref _breakAfter, afterBytes);

    /// <summary>Tells whether a reliable topic has room for one more message on this lane.</summary>
    public bool HasRoom(string topic, TopicQos qos)
    {
        lock (_gate)
        {
            return qos.History != TopicHistory.Reliable || !_perTopic.TryGetValue(topic, out var count) || count < qos.Depth;
        }
    }

    /// <summary>Waits until a reliable topic has room, at most until <paramref name="deadline"/>.</summary>
    public bool WaitForRoom(string topic, TopicQos qos, long deadline)
    {
        // Every message taken off the queue signals, and so does closing.
        while (true)
        {
            var room = _room.Next;
            if (HasRoom(topic, qos))
            {
                return true;
            }

            var left = deadline - Environment.TickCount64;
            if (_closed || left <= 0)
            {
                return false;
            }

            room.Wait(TimeSpan.FromMilliseconds(left));
        }
    }

    /// <summary>
    /// Queues a payload; takes over one reference to its buffer. A keep-last topic drops its oldest waiting payload when
    /// full; a message of a topic without a quality of service is dropped when the bytes of such messages waiting would
    /// pass <see cref="LaneSettings.MaxQueued"/>.
    /// </summary>
    public void Enqueue(Outgoing payload)
    {
        Outgoing? dropped = null;
        var overflow = false;
        long waiting = 0;
        lock (_gate)
        {
            if (_closed)
            {
                dropped = payload;
            }
            else if (payload.Qos is not { } qos)
            {
                if (_unruledBytes + payload.Buffer.Length > _lane.Settings.MaxQueued)
                {
                    // Only a lane that stays down (or a peer that reads far slower than this node publishes) gets here:
                    // the newest message is dropped, so memory stays bounded while the peer is still a member.
                    dropped = payload;
                    overflow = !_overflowLogged;
                    _overflowLogged = true;
                    waiting = _unruledBytes;
                }
                else
                {
                    _unruledBytes += payload.Buffer.Length;
                    _queue.AddLast(payload);
                }
            }
            else
            {
                _perTopic.TryGetValue(payload.Topic, out var count);
                if (count >= qos.Depth && qos.History == TopicHistory.KeepLast)
                {
                    for (var node = _queue.First; node is not null; node = node.Next)
                    {
                        if (node.Value.Qos is not null && string.Equals(node.Value.Topic, payload.Topic, StringComparison.Ordinal))
                        {
                            dropped = node.Value;
                            _queue.Remove(node);
                            count--;
                            break;
                        }
                    }
                }

                _queue.AddLast(payload);
                _perTopic[payload.Topic] = count + 1;
            }
        }

        if (dropped is not null)
        {
            dropped.Buffer.Release();
            if (!ReferenceEquals(dropped, payload))
            {
                _lane.CountQosDrop();
            }
            else if (!_closed)
            {
                _lane.CountQueueDrop(Peer, payload.Topic, waiting, overflow);
            }
        }

        _queued.Set();
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
        }

        _room.Set();
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }

        lock (_gate)
        {
            foreach (var payload in _queue)
            {
                payload.Buffer.Release();
            }

            _queue.Clear();
            _perTopic.Clear();
            _unruledBytes = 0;
        }

        _stop.Dispose();
    }

    // Takes the next message, only if it is small enough for a batch when `small` is set.
    private Outgoing? Dequeue(bool small = false)
    {
        lock (_gate)
        {
            var first = _queue.First;
            if (first is null || (small && !IsSmall(first.Value)))
            {
                return null;
            }

            _queue.RemoveFirst();
            if (first.Value.Qos is null)
            {
                _unruledBytes -= first.Value.Buffer.Length;
                if (_unruledBytes == 0)
                {
                    _overflowLogged = false;
                }

                return first.Value;
            }

            var left = _perTopic[first.Value.Topic] - 1;
            if (left == 0)
            {
                _perTopic.Remove(first.Value.Topic);
            }
            else
            {
                _perTopic[first.Value.Topic] = left;
            }

            return first.Value;
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var scratch = new byte[4096];
        var batch = new byte[BatchSize];
        var segments = new ArraySegment<byte>[2];
        while (!token.IsCancellationRequested)
        {
            Outgoing? current = null;
            long written = 0;
            var batched = 0;
            SharedRing? offered = null;
            SharedRing.Writer? ring = null;
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _socket = socket;
            try
            {
                await socket.ConnectAsync(Host, Port, token).ConfigureAwait(false);
                long firstId;
                lock (_gate)
                {
                    firstId = _queue.First?.Value.Id ?? _lane.NextIdAfterLast;
                }

                offered = OfferRing(socket);
                var offer = offered is null ? null : new LaneFrame.RingOffer(offered.Size, offered.Nonce, SharedRing.MachineIdentity!, offered.Path);
                await socket.SendAsync(LaneFrame.Preamble(_lane.Node, firstId, offer), SocketFlags.None, token).ConfigureAwait(false);
                if (offered is not null)
                {
                    ring = await AwaitAnswerAsync(socket, offered, token).ConfigureAwait(false);
                    if (ring is null)
                    {
                        offered.Dispose();
                        offered = null;
                    }
                }

                RingPath = offered?.Path;
                Connected = true;
                _lane.CountConnect();
                while (true)
                {
                    var queued = _queued.Next;
                    current = Dequeue();
                    if (current is null)
                    {
                        await queued.WaitAsync(token).ConfigureAwait(false);
                        continue;
                    }

                    _room.Set();
                    if (IsSmall(current))
                    {
                        var first = current;
                        current = null;
                        batched = 0;
                        await WriteBatchAsync(socket, first, batch, count => batched = count, token).ConfigureAwait(false);
                        batched = 0;
                        continue;
                    }

                    written = 0;
                    if (ring is not null && current.Buffer.Length <= ring.Ring.Size && Volatile.Read(ref _breakAfter) < 0)
                    {
                        await WriteRingAsync(socket, ring, current, scratch, token).ConfigureAwait(false);
                        _lane.CountSharedMemory();
                    }
                    else
                    {
                        await WriteAsync(socket, current, scratch, segments, w => written = w, token).ConfigureAwait(false);
                    }

                    _lane.CountSent(1, current.Buffer.Length);
                    current.Buffer.Release();
                    current = null;
                }
            }
            catch (Exception e) when (token.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                current?.Buffer.Release();
                break;
            }
            catch (Exception e)
            {
                var wasConnected = Connected;
                Connected = false;
                if (current is not null)
                {
                    _lane.OnSendBroken(Peer, current, written, e);
                    current.Buffer.Release();
                }
                else if (batched > 0)
                {
                    _lane.OnBatchBroken(Peer, batched, e);
                }
                else if (wasConnected)
                {
                    _lane.OnSenderClosed(Peer, e);
                }
            }
            finally
            {
                Connected = false;
                RingPath = null;
                socket.Dispose();
                offered?.Dispose();
            }

            try
            {
                await Task.Delay(_lane.Settings.ReconnectInterval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    // A ring only to a node this machine's kernel routes to itself; the receiving node checks the rest.
    private SharedRing? OfferRing(Socket socket)
    {
        var settings = _lane.Settings;
        if (!settings.SharedMemory || SharedRing.MachineIdentity is null || !SharedRing.IsLocal(socket))
        {
            return null;
        }

        try
        {
            return SharedRing.Create(settings.SharedMemorySize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _lane.OnRingRefused(Peer, $"no ring of {settings.SharedMemorySize:N0} bytes could be created in {SharedRing.Folder}: {e.Message}");
            return null;
        }
    }

    // The other node answers the offer at once: 1 when it mapped the ring. Either way the file has done its part.
    private static async Task<SharedRing.Writer?> AwaitAnswerAsync(Socket socket, SharedRing offered, CancellationToken token)
    {
        var answer = new byte[1];
        if (await socket.ReceiveAsync(answer, SocketFlags.None, token).ConfigureAwait(false) == 0)
        {
            throw new EndOfStreamException("The other node closed the lane before it answered the shared-memory offer.");
        }

        offered.Unlink();
        if (answer[0] != 1)
        {
            return null;
        }

        var ring = new SharedRing.Writer(offered);
        _ = ring.ReadWakeUpsAsync(socket, token);
        return ring;
    }

    private static async Task WriteRingAsync(Socket socket, SharedRing.Writer ring, Outgoing payload, byte[] scratch, CancellationToken token)
    {
        var size = LaneFrame.MaxHeaderSize(payload.Topic, payload.Sender) + 8;
        if (size > scratch.Length)
        {
            scratch = new byte[size];
        }

        var position = await ring.WriteAsync(payload.Buffer, token).ConfigureAwait(false);
        var header = LaneFrame.WriteHeader(scratch, payload.Flags, payload.Id, payload.Buffer.Length, payload.PublishedAt, payload.Topic, payload.Sender, LaneFrame.RingKind);
        BinaryPrimitives.WriteInt64LittleEndian(scratch.AsSpan(header), position);
        await SendAllAsync(socket, scratch.AsMemory(0, header + 8), token).ConfigureAwait(false);
    }

    private bool IsSmall(Outgoing message) =>
        message.Buffer.Length < _lane.Settings.Threshold && message.Buffer.Length <= _lane.Settings.ChunkSize
        && LaneFrame.MaxHeaderSize(message.Topic, message.Sender) + 4 + message.Buffer.Length <= BatchSize;

    // Copies small messages into the batch while they come and fit, and writes it when the queue has none left that fits.
    private async Task WriteBatchAsync(Socket socket, Outgoing first, byte[] batch, Action<int> progress, CancellationToken token)
    {
        var used = 0;
        var count = 0;
        var bytes = 0L;
        var next = first;
        while (next is not null)
        {
            if (used + LaneFrame.MaxHeaderSize(next.Topic, next.Sender) + 4 + next.Buffer.Length > batch.Length)
            {
                await SendAllAsync(socket, batch.AsMemory(0, used), token).ConfigureAwait(false);
                CountBatch(count, bytes);
                (used, count, bytes) = (0, 0, 0);
            }

            used += LaneFrame.WriteHeader(batch.AsSpan(used), next.Flags, next.Id, next.Buffer.Length, next.PublishedAt, next.Topic, next.Sender);
            if (next.Buffer.Length > 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(batch.AsSpan(used), (uint)next.Buffer.Length);
                used += 4;
                next.Buffer.Span.CopyTo(batch.AsSpan(used));
                used += next.Buffer.Length;
            }

            count++;
            bytes += next.Buffer.Length;
            next.Buffer.Release();
            progress(count);
            next = Dequeue(small: true);
            if (next is not null)
            {
                _room.Set();
            }
        }

        await SendAllAsync(socket, batch.AsMemory(0, used), token).ConfigureAwait(false);
        CountBatch(count, bytes);
    }

    private void CountBatch(int count, long bytes) => _lane.CountSent(count, bytes);

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken token)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, token).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private async Task WriteAsync(Socket socket, Outgoing payload, byte[] scratch, ArraySegment<byte>[] segments, Action<long> progress, CancellationToken token)
    {
        var size = LaneFrame.MaxHeaderSize(payload.Topic, payload.Sender) + 4;
        if (size > scratch.Length)
        {
            scratch = new byte[size];
        }

        var header = LaneFrame.WriteHeader(scratch, payload.Flags, payload.Id, payload.Buffer.Length, payload.PublishedAt, payload.Topic, payload.Sender);
        var body = payload.Buffer.Array;
        var length = payload.Buffer.Length;
        var chunkSize = _lane.Settings.ChunkSize;
        var breakAfter = Interlocked.Exchange(ref _breakAfter, -1);
        var at = 0;
        do
        {
            var chunk = Math.Min(chunkSize, length - at);
            if (breakAfter >= 0 && at + chunk > breakAfter)
            {
                chunk = (int)Math.Max(0, breakAfter - at);
            }

            BinaryPrimitives.WriteUInt32LittleEndian(scratch.AsSpan(header), (uint)chunk);
            segments[0] = new ArraySegment<byte>(scratch, 0, header + 4);
            segments[1] = new ArraySegment<byte>(body, at, chunk);
            await SendAllAsync(socket, segments, header + 4 + chunk, token).ConfigureAwait(false);
            header = 0;
            at += chunk;
            progress(at);
            if (breakAfter >= 0 && at >= breakAfter)
            {
                socket.Shutdown(SocketShutdown.Both);
                throw new IOException($"The lane was broken on purpose after {at} of {length} bytes.");
            }
        }
        while (at < length);
    }

    private static async Task SendAllAsync(Socket socket, ArraySegment<byte>[] segments, int total, CancellationToken token)
    {
        var sent = await socket.SendAsync(segments, SocketFlags.None).WaitAsync(token).ConfigureAwait(false);
        while (sent < total)
        {
            // Rarely a send takes part of the bytes; the rest follows, segment by segment.
            var first = segments[0].Count;
            var rest = sent < first
                ? segments[0].AsMemory(sent)
                : segments[1].AsMemory(sent - first);
            sent += await socket.SendAsync(rest, SocketFlags.None, token).ConfigureAwait(false);
        }
    }

    /// <summary>A message waiting on a lane.</summary>
    /// <param name="Id">Its id.</param>
    /// <param name="Topic">Its topic.</param>
    /// <param name="Sender">Who published it.</param>
    /// <param name="PublishedAt">When.</param>
    /// <param name="Buffer">Its payload's bytes; the queue holds one reference.</param>
    /// <param name="Flags">Its lane flags.</param>
    /// <param name="Qos">Its topic's quality of service, or null for a small message on a topic no rule names: never dropped.</param>
    internal sealed record Outgoing(long Id, string Topic, string Sender, DateTimeOffset PublishedAt, LaneBuffer Buffer, byte Flags, TopicQos? Qos);
}
