using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Akka.Event;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The node's data lane: a TCP listener for the other nodes' payloads, one <see cref="LaneSender"/> per other node,
/// the routes each other node subscribes to (as its bus told this one), and the inbox where arriving payloads wait
/// for their envelopes. The bus's actor opens and closes the senders with cluster membership.
/// </summary>
internal sealed class TopicLane : IAsyncDisposable
{
    private readonly ILoggingAdapter _log;
    private readonly Func<string, bool> _roomFor;
    private readonly ConcurrentDictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly Timer _sweep;
    private readonly ConcurrentDictionary<Socket, byte> _inbound = new();
    private readonly long _largest;
    private long _lastId;
    private long _sent;
    private long _bytesSent;
    private long _received;
    private long _bytesReceived;
    private long _sendBroken;
    private long _receiveBroken;
    private long _qosDropped;
    private long _connects;

    /// <param name="settings">The lane's settings.</param>
    /// <param name="node">This node's address, as the other nodes name it.</param>
    /// <param name="host">The host name or address to listen on and tell the others.</param>
    /// <param name="log">Where breaks are logged.</param>
    /// <param name="roomFor">Whether this node's reliable subscriptions of a topic have room; the lane reads no more while not.</param>
    public TopicLane(LaneSettings settings, string node, string host, ILoggingAdapter log, Func<string, bool> roomFor)
    {
        Settings = settings;
        Node = node;
        _log = log;
        _roomFor = roomFor;
        _largest = Math.Max(settings.MaxPayloadBytes, settings.Topics.IsEmpty ? 0 : settings.Topics.Max(rule => rule.MaxPayloadBytes));
        Pool = new LanePool(Math.Min(_largest, 1L << 30));
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : IPAddress.Any;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, settings.Port));
        _listener.Listen(64);
        Host = host;
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accept = Task.Run(AcceptAsync);
        var sweep = TimeSpan.FromTicks(Math.Max(settings.HoldTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10));
        _sweep = new Timer(_ => Inbox.Sweep(Settings.HoldTimeout), null, sweep, sweep);
    }

    public LaneSettings Settings { get; }

    public string Node { get; }

    public string Host { get; }

    public int Port { get; }

    public LanePool Pool { get; }

    public LaneInbox Inbox { get; } = new();

    /// <summary>Gets the signal the node's subscriptions give when they take a message from a full queue.</summary>
    public RoomSignal Room { get; } = new();

    /// <summary>Gets the id after the last one handed out: where a new connection starts when nothing waits.</summary>
    public long NextIdAfterLast => Interlocked.Read(ref _lastId) + 1;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public LaneStatistics Statistics => new(
        Host,
        Port,
        _peers.Values.Count(peer => peer.Sender?.Connected == true),
        Interlocked.Read(ref _sent),
        Interlocked.Read(ref _bytesSent),
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _bytesReceived),
        Interlocked.Read(ref _sendBroken),
        Interlocked.Read(ref _receiveBroken),
        Inbox.Lost,
        Inbox.Unclaimed,
        Interlocked.Read(ref _qosDropped),
        Interlocked.Read(ref _connects),
        Pool.Rented,
        Pool.Returned);

    /// <summary>Records where another node's lane listens and which routes it subscribes to; opens the lane to it.</summary>
    public void SetPeer(string address, string host, int port, IEnumerable<string> routes)
    {
        var peer = _peers.GetOrAdd(address, _ => new Peer());
        LaneSender? old = null;
        lock (peer)
        {
            peer.Routes = routes.ToImmutableHashSet(StringComparer.Ordinal);
            if (port > 0 && (peer.Sender is null || peer.Sender.Host != host || peer.Sender.Port != port))
            {
                old = peer.Sender;
                peer.Sender = new LaneSender(this, address, host, port);
            }
        }

        if (old is not null)
        {
            _ = old.DisposeAsync().AsTask();
        }
    }

    public void AddRoute(string address, string route)
    {
        var peer = _peers.GetOrAdd(address, _ => new Peer());
        lock (peer)
        {
            peer.Routes = peer.Routes.Add(route);
        }
    }

    public void RemoveRoute(string address, string route)
    {
        if (_peers.TryGetValue(address, out var peer))
        {
            lock (peer)
            {
                peer.Routes = peer.Routes.Remove(route);
            }
        }
    }

    /// <summary>The node left the cluster: its lane closes and what it sent is dropped.</summary>
    public void RemovePeer(string address)
    {
        if (_peers.TryRemove(address, out var peer) && peer.Sender is { } sender)
        {
            _ = sender.DisposeAsync().AsTask();
        }

        Inbox.Forget(address);
    }

    /// <summary>Gets the lanes to the nodes that subscribe to any of <paramref name="routes"/>, with how many of them each.</summary>
    public List<(LaneSender Sender, int Routes)> TargetsFor(string[] routes)
    {
        var targets = new List<(LaneSender, int)>(_peers.Count);
        foreach (var peer in _peers.Values)
        {
            var sender = peer.Sender;
            if (sender is null)
            {
                continue;
            }

            var subscribed = peer.Routes;
            var count = 0;
            foreach (var route in routes)
            {
                if (subscribed.Contains(route))
                {
                    count++;
                }
            }

            if (count > 0)
            {
                targets.Add((sender, count));
            }
        }

        return targets;
    }

    /// <summary>Test hook: the lane to <paramref name="address"/> breaks after this many bytes of its next payload.</summary>
    public bool BreakInNextPayload(string address, long afterBytes)
    {
        if (_peers.TryGetValue(address, out var peer) && peer.Sender is { } sender)
        {
            sender.BreakInNextPayload(afterBytes);
            return true;
        }

        return false;
    }

    /// <summary>Gets how many payloads wait on the lane to <paramref name="address"/>.</summary>
    public int Queued(string address) => _peers.TryGetValue(address, out var peer) && peer.Sender is { } sender ? sender.Queued : 0;

    /// <summary>Gets whether the lane to <paramref name="address"/> is connected.</summary>
    public bool IsConnected(string address) => _peers.TryGetValue(address, out var peer) && peer.Sender?.Connected == true;

    internal void CountSent(long bytes)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void CountQosDrop() => Interlocked.Increment(ref _qosDropped);

    internal void CountConnect() => Interlocked.Increment(ref _connects);

    internal void OnSendBroken(string peer, LaneSender.Outgoing payload, long written, Exception e)
    {
        Interlocked.Increment(ref _sendBroken);
        _log.Warning(
            "The lane to {0} broke after {1:N0} of {2:N0} bytes of a payload on topic '{3}': that payload is dropped ({4} so far), the lane connects again. {5}",
            peer, written, payload.Buffer.Length, payload.Topic, Interlocked.Read(ref _sendBroken), e.Message);
    }

    internal void OnSenderClosed(string peer, Exception e) =>
        _log.Info("The lane to {0} closed between payloads; it connects again. {1}", peer, e.Message);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sweep.DisposeAsync().ConfigureAwait(false);
        _listener.Dispose();
        foreach (var socket in _inbound.Keys)
        {
            socket.Dispose();
        }

        foreach (var address in _peers.Keys.ToList())
        {
            if (_peers.TryRemove(address, out var peer) && peer.Sender is { } sender)
            {
                await sender.DisposeAsync().ConfigureAwait(false);
            }
        }

        try
        {
            await _accept.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or ObjectDisposedException or SocketException)
        {
        }

        Inbox.Clear();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            _inbound[socket] = 0;
            _ = Task.Run(() => ReceiveAsync(socket));
        }
    }

    private async Task ReceiveAsync(Socket socket)
    {
        var token = _stop.Token;
        var scratch = new byte[1024];
        string node = "?";
        LaneFrame.Header? header = null;
        LaneBuffer? buffer = null;
        long got = 0;
        try
        {
            (node, var firstId) = await LaneFrame.ReadPreambleAsync(socket, scratch, token).ConfigureAwait(false);
            Inbox.Connected(node, firstId);
            while (true)
            {
                header = await LaneFrame.ReadHeaderAsync(socket, scratch, token).ConfigureAwait(false);
                if (header is null)
                {
                    return;
                }

                if (header.Length < 0 || header.Length > _largest)
                {
                    throw new InvalidDataException($"A payload of {header.Length:N0} bytes on topic '{header.Topic}' is larger than any this node accepts ({_largest:N0}).");
                }

                if (!_roomFor(header.Topic))
                {
                    await WaitForRoomAsync(node, header.Topic, token).ConfigureAwait(false);
                }

                buffer = Pool.Rent(header.Length);
                got = 0;
                while (got < header.Length)
                {
                    await LaneFrame.ReadExactlyAsync(socket, scratch.AsMemory(0, 4), token).ConfigureAwait(false);
                    var chunk = BinaryPrimitives.ReadUInt32LittleEndian(scratch);
                    if (chunk > header.Length - got)
                    {
                        throw new InvalidDataException($"A chunk of {chunk:N0} bytes overruns a payload of {header.Length:N0} bytes at {got:N0}.");
                    }

                    await LaneFrame.ReadExactlyAsync(socket, buffer.Array.AsMemory((int)got, (int)chunk), token).ConfigureAwait(false);
                    got += chunk;
                }

                Interlocked.Increment(ref _received);
                Interlocked.Add(ref _bytesReceived, header.Length);
                var whole = buffer;
                buffer = null;
                Inbox.Arrived(node, header.Id, whole, header.Flags, header.Routes);
                header = null;
            }
        }
        catch (Exception e)
        {
            if (buffer is not null && header is not null)
            {
                // Never a truncated payload: what came of it is dropped, and its envelope learns that it is lost.
                buffer.Release();
                Interlocked.Increment(ref _receiveBroken);
                Inbox.Broke(node, header.Id);
                if (!token.IsCancellationRequested)
                {
                    _log.Warning(
                        "The lane from {0} broke after {1:N0} of {2:N0} bytes of a payload on topic '{3}': it is dropped ({4} so far). {5}",
                        node, got, header.Length, header.Topic, Interlocked.Read(ref _receiveBroken), e.Message);
                }
            }
            else if (e is InvalidDataException)
            {
                _log.Error(e, "The lane from {0} sent what this node cannot read; the connection is closed.", node);
            }
        }
        finally
        {
            _inbound.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    // A reliable subscription that is full holds the lane: TCP carries the wait back to the publisher. The lane counts
    // as alive meanwhile, so the envelopes waiting for its bytes keep waiting; a subscription that takes a message wakes it.
    private async Task WaitForRoomAsync(string node, string topic, CancellationToken token)
    {
        Inbox.Touch(node, long.MaxValue);
        try
        {
            while (true)
            {
                var room = Room.Next;
                if (_roomFor(topic))
                {
                    return;
                }

                await room.WaitAsync(token).ConfigureAwait(false);
            }
        }
        finally
        {
            Inbox.Touch(node);
        }
    }

    private sealed class Peer
    {
        public ImmutableHashSet<string> Routes { get; set; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

        public LaneSender? Sender { get; set; }
    }
}
