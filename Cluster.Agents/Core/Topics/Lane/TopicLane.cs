using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Akka.Event;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// The node's data lane: a TCP listener for the other nodes' messages, one <see cref="LaneSender"/> per other node,
/// and the routes each other node subscribes to (as its bus told this one). A message arrives whole, with its
/// topic, sender and time, and goes to the bus to deliver. The bus's actor opens and closes the senders with
/// cluster membership.
/// </summary>
internal sealed class TopicLane : IAsyncDisposable
{
    private readonly ILoggingAdapter _log;
    private readonly Func<string, bool> _roomFor;
    private readonly Action<string, LaneFrame.Header, LaneBuffer> _deliver;
    private readonly ConcurrentDictionary<string, byte> _members = new(StringComparer.Ordinal);
    private int _laneless;
    private ConcurrentDictionary<string[], LaneTargets> _targets = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly ConcurrentDictionary<Socket, byte> _inbound = new();
    private readonly long _largest;
    private long _lastId;
    private long _version;
    private long _sent;
    private long _bytesSent;
    private long _received;
    private long _bytesReceived;
    private long _sendBroken;
    private long _receiveBroken;
    private long _qosDropped;
    private long _queueDropped;
    private long _connects;
    private long _sharedMemorySent;

    /// <param name="settings">The lane's settings.</param>
    /// <param name="node">This node's address, as the other nodes name it.</param>
    /// <param name="host">The host name or address to listen on and tell the others.</param>
    /// <param name="log">Where breaks are logged.</param>
    /// <param name="roomFor">Whether this node's reliable subscriptions of a topic have room; the lane reads no more while not.</param>
    /// <param name="deliver">Delivers a message that arrived whole from a node; takes over the one reference to its bytes.</param>
    public TopicLane(LaneSettings settings, string node, string host, ILoggingAdapter log, Func<string, bool> roomFor, Action<string, LaneFrame.Header, LaneBuffer> deliver)
    {
        Settings = settings;
        Node = node;
        _log = log;
        _roomFor = roomFor;
        _deliver = deliver;
        _largest = Math.Max(settings.MaxPayloadBytes, settings.Topics.IsEmpty ? 0 : settings.Topics.Max(rule => rule.MaxPayloadBytes));
        Pool = new LanePool(Math.Min(_largest, 1L << 30));
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : IPAddress.Any;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, settings.Port));
        _listener.Listen(64);
        Host = host;
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accept = Task.Run(AcceptAsync);
    }

    public LaneSettings Settings { get; }

    public string Node { get; }

    public string Host { get; }

    public int Port { get; }

    public LanePool Pool { get; }

    /// <summary>Gets the signal the node's subscriptions give when they take a message from a full queue.</summary>
    public LaneSignal Room { get; } = new();

    /// <summary>
    /// Gets how many other nodes of the cluster with the pub-sub role have no lane from this node (yet): while any has,
    /// a publish also goes through DistributedPubSub, which reaches them.
    /// </summary>
    public int Laneless => Volatile.Read(ref _laneless);

    /// <summary>Gets the id after the last one handed out: where a new connection starts when nothing waits.</summary>
    public long NextIdAfterLast => Interlocked.Read(ref _lastId) + 1;

    public long NextId() => Interlocked.Increment(ref _lastId);

    /// <summary>
    /// Gets a number that changes whenever a lane or a node's routes change, after the targets have: a publish that
    /// reads the same number before it looks its targets up and after it sent them knows no switch happened meanwhile.
    /// </summary>
    public long Version => Volatile.Read(ref _version);

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
        Interlocked.Read(ref _qosDropped),
        Interlocked.Read(ref _connects),
        Pool.Rented,
        Pool.Returned,
        Interlocked.Read(ref _queueDropped),
        Interlocked.Read(ref _sharedMemorySent),
        _peers.Values.Count(peer => peer.Sender is { Connected: true, RingPath: not null }));

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
                peer.Fenced = peer.Fenced.Clear();
            }
        }

        Changed();
        if (old is not null)
        {
            _ = old.DisposeAsync().AsTask();
        }

        Recount();
    }

    /// <summary>A node with the pub-sub role is up: until it tells where its lane listens, publishes reach it through DistributedPubSub.</summary>
    public void MemberUp(string address)
    {
        _members.TryAdd(address, 0);
        Recount();
    }

    public void AddRoute(string address, string route)
    {
        var peer = _peers.GetOrAdd(address, _ => new Peer());
        lock (peer)
        {
            peer.Routes = peer.Routes.Add(route);
        }

        Changed();
    }

    public void RemoveRoute(string address, string route)
    {
        if (_peers.TryGetValue(address, out var peer))
        {
            lock (peer)
            {
                peer.Routes = peer.Routes.Remove(route);

                // Should the route come back, publishes on it may have gone through DistributedPubSub meanwhile.
                peer.Fenced = peer.Fenced.Remove(route);
            }

            Changed();
        }
    }

    /// <summary>The node left the cluster: its lane closes and what it sent is dropped.</summary>
    public void RemovePeer(string address)
    {
        if (_peers.TryRemove(address, out var peer) && peer.Sender is { } sender)
        {
            _ = sender.DisposeAsync().AsTask();
        }

        Changed();
        _members.TryRemove(address, out _);
        Recount();
    }

    private void Recount()
    {
        lock (_members)
        {
            var laneless = 0;
            foreach (var member in _members.Keys)
            {
                if (!_peers.TryGetValue(member, out var peer) || peer.Sender is null)
                {
                    laneless++;
                }
            }

            Volatile.Write(ref _laneless, laneless);
        }
    }

    /// <summary>Gets the lanes to the nodes that subscribe to any of <paramref name="routes"/>, and those nodes' addresses.</summary>
    /// <remarks>
    /// Cached per routes array (the route table hands out one per topic) until a lane or a node's routes change, so a
    /// stream of publishes on one topic looks its targets up once.
    /// </remarks>
    public LaneTargets TargetsFor(string[] routes)
    {
        var cache = Volatile.Read(ref _targets);
        if (cache.TryGetValue(routes, out var targets))
        {
            return targets;
        }

        if (cache.Count >= 10_000)
        {
            Changed();
            cache = Volatile.Read(ref _targets);
        }

        return cache.GetOrAdd(routes, Compute);
    }

    private LaneTargets Compute(string[] routes)
    {
        var senders = new List<LaneSender>(_peers.Count);
        List<(Peer Peer, LaneSender Sender, int Epoch)>? unfenced = null;
        foreach (var peer in _peers.Values)
        {
            var sender = peer.Sender;
            if (sender is null)
            {
                continue;
            }

            var subscribed = peer.Routes;
            var epoch = peer.Epoch;
            var fenced = peer.Fenced;
            var matched = false;
            foreach (var route in routes)
            {
                if (subscribed.Contains(route))
                {
                    matched = true;
                    if (!fenced.Contains(route))
                    {
                        (unfenced ??= []).Add((peer, sender, epoch));
                        break;
                    }
                }
            }

            if (matched)
            {
                senders.Add(sender);
            }
        }

        return senders.Count == 0 ? LaneTargets.None : new LaneTargets([.. senders], [.. senders.Select(sender => sender.Peer)]) { Unfenced = unfenced?.ToArray() };
    }

    /// <summary>
    /// The publish holding the lock on <paramref name="targets"/> has sent the fences for <paramref name="routes"/> and
    /// queued the message they come before: the lanes it found unfenced are switched on for those routes.
    /// </summary>
    public void Fenced(LaneTargets targets, string[] routes)
    {
        targets.NeedsFence = false;
        foreach (var (peer, sender, epoch) in targets.Unfenced ?? [])
        {
            lock (peer)
            {
                // A publish refenced these routes since the targets were looked up: its fence is still to come.
                if (ReferenceEquals(peer.Sender, sender) && peer.Epoch == epoch)
                {
                    peer.Fenced = peer.Fenced.Union(routes.Where(peer.Routes.Contains));
                }
            }
        }
    }

    /// <summary>
    /// A publish went through DistributedPubSub while its targets changed: its next one over a lane must be fenced
    /// again, behind it.
    /// </summary>
    public void Refence(string[] routes)
    {
        // Targets looked up afresh from now on need a fence too; the current ones are told below.
        foreach (var peer in _peers.Values)
        {
            lock (peer)
            {
                peer.Epoch++;
                peer.Fenced = peer.Fenced.Except(routes);
            }
        }

        var targets = TargetsFor(routes);
        if (targets.Count > 0)
        {
            lock (targets)
            {
                targets.NeedsFence = true;
            }
        }
    }

    // A lane or a node's routes changed: targets are looked up afresh.
    private void Changed()
    {
        Volatile.Write(ref _targets, new ConcurrentDictionary<string[], LaneTargets>(ReferenceEqualityComparer.Instance));
        Interlocked.Increment(ref _version);
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

    internal void CountSent(int messages, long bytes)
    {
        Interlocked.Add(ref _sent, messages);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void CountQosDrop() => Interlocked.Increment(ref _qosDropped);

    internal void CountQueueDrop(string peer, string topic, long waiting, bool log)
    {
        var dropped = Interlocked.Increment(ref _queueDropped);
        if (log)
        {
            _log.Warning(
                "The lane to {0} already has {1:N0} bytes of messages waiting (cluster-node.topics.lane.max-queued = {2:N0}): a message on topic '{3}' is dropped, and so is each new one on a topic without a rule until the lane drains ({4} dropped so far; LaneStatistics.QueueDropped counts them).",
                peer, waiting, Settings.MaxQueued, topic, dropped);
        }
    }

    internal void CountConnect() => Interlocked.Increment(ref _connects);

    internal void CountSharedMemory() => Interlocked.Increment(ref _sharedMemorySent);

    internal void OnRingRefused(string peer, string reason) =>
        _log.Info("The lane to {0} takes the socket for large payloads, not shared memory: {1}", peer, reason);

    /// <summary>Gets the shared-memory ring file of the lane to <paramref name="address"/>, while it uses one (a test hook).</summary>
    public string? RingPath(string address) => _peers.TryGetValue(address, out var peer) ? peer.Sender?.RingPath : null;

    internal void OnSendBroken(string peer, LaneSender.Outgoing payload, long written, Exception e)
    {
        Interlocked.Increment(ref _sendBroken);
        _log.Warning(
            "The lane to {0} broke after {1:N0} of {2:N0} bytes of a payload on topic '{3}': that payload is dropped ({4} so far), the lane connects again. {5}",
            peer, written, payload.Buffer.Length, payload.Topic, Interlocked.Read(ref _sendBroken), e.Message);
    }

    internal void OnBatchBroken(string peer, int messages, Exception e)
    {
        Interlocked.Add(ref _sendBroken, messages);
        _log.Warning(
            "The lane to {0} broke while writing {1} small messages: they are dropped ({2} so far), the lane connects again. {3}",
            peer, messages, Interlocked.Read(ref _sendBroken), e.Message);
    }

    internal void OnSenderClosed(string peer, Exception e) =>
        _log.Info("The lane to {0} closed between payloads; it connects again. {1}", peer, e.Message);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
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
        var reader = new LaneReader(socket);
        var scratch = new byte[1024];
        var names = new LaneFrame.Names();
        string node = "?";
        LaneFrame.Header? header = null;
        LaneBuffer? buffer = null;
        SharedRing.Reader? ring = null;
        long got = 0;
        try
        {
            LaneFrame.RingOffer? offer;
            (node, _, offer) = await LaneFrame.ReadPreambleAsync(reader, token).ConfigureAwait(false);
            // Messages from a lane are delivered as they come, so only a node the cluster has seen up may open one.
            if (!_members.ContainsKey(node))
            {
                _log.Warning("A lane connection from {0} names {1}, which is not a node of the cluster seen up here; it is closed.", socket.RemoteEndPoint, node);
                return;
            }

            if (offer is not null)
            {
                var taken = TakeRing(socket, node, offer);
                ring = taken is null ? null : new SharedRing.Reader(taken, socket);
                await socket.SendAsync(new[] { (byte)(ring is null ? 0 : 1) }, SocketFlags.None, token).ConfigureAwait(false);
            }

            while (true)
            {
                // A stream of small messages is mostly in the reader's buffer already: parsed there, without awaiting.
                header = LaneFrame.TryReadHeader(reader, names) ?? await LaneFrame.ReadHeaderAsync(reader, scratch, names, token).ConfigureAwait(false);

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
                    await WaitForRoomAsync(header.Topic, token).ConfigureAwait(false);
                }

                // Small payloads are delivered as arrays anyway: they are read into one of their own, not a pooled one.
                buffer = header.Length < Settings.Threshold ? LaneBuffer.Wrap(new byte[header.Length]) : Pool.Rent(header.Length);
                got = 0;
                if (header.Kind == LaneFrame.RingKind)
                {
                    // The payload lies whole in the ring: copied out, its space given back to the writer at once.
                    var position = await ReadPositionAsync(reader, scratch, token).ConfigureAwait(false);
                    if (ring is null)
                    {
                        throw new InvalidDataException($"A payload on topic '{header.Topic}' lies in a shared-memory ring this lane has not taken.");
                    }

                    await ring.TakeAsync(position, buffer.Array, (int)header.Length, token).ConfigureAwait(false);
                    got = header.Length;
                }

                while (got < header.Length)
                {
                    uint chunk;
                    if (reader.Buffered.Length >= 4)
                    {
                        chunk = BinaryPrimitives.ReadUInt32LittleEndian(reader.Buffered);
                        CheckChunk(chunk, header.Length, got);
                        if (reader.Buffered.Length - 4 >= chunk)
                        {
                            reader.Buffered.Slice(4, (int)chunk).CopyTo(buffer.Array.AsSpan((int)got));
                            reader.Advance(4 + (int)chunk);
                            got += chunk;
                            continue;
                        }

                        reader.Advance(4);
                    }
                    else
                    {
                        await reader.ReadExactlyAsync(scratch.AsMemory(0, 4), token).ConfigureAwait(false);
                        chunk = BinaryPrimitives.ReadUInt32LittleEndian(scratch);
                        CheckChunk(chunk, header.Length, got);
                    }

                    await reader.ReadExactlyAsync(buffer.Array.AsMemory((int)got, (int)chunk), token).ConfigureAwait(false);
                    got += chunk;
                }

                Interlocked.Increment(ref _received);
                Interlocked.Add(ref _bytesReceived, header.Length);
                var whole = buffer;
                buffer = null;
                _deliver(node, header, whole);
                header = null;
            }
        }
        catch (Exception e)
        {
            if (buffer is not null && header is not null)
            {
                // Never a truncated payload: what came of it is dropped.
                buffer.Release();
                Interlocked.Increment(ref _receiveBroken);
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
            ring?.Ring.Dispose();
        }
    }

    // Takes a sending node's shared-memory ring only when this node would offer one too, the node is on this
    // machine by every sign, and the file mapped is the one offered.
    private SharedRing? TakeRing(Socket socket, string node, LaneFrame.RingOffer offer)
    {
        string reason;
        SharedRing? ring = null;
        if (!Settings.SharedMemory)
        {
            reason = "shared memory is off on this node";
        }
        else if (SharedRing.MachineIdentity is null || !string.Equals(offer.Machine, SharedRing.MachineIdentity, StringComparison.Ordinal))
        {
            reason = "the node runs on another machine or boot";
        }
        else if (!SharedRing.IsLocal(socket))
        {
            reason = $"the connection comes from {socket.RemoteEndPoint}, not from this machine";
        }
        else
        {
            ring = SharedRing.Open(offer.Path, offer.Size, offer.Nonce, out reason);
        }

        if (ring is null)
        {
            _log.Info("The lane from {0} offered a shared-memory ring; not taken, its large payloads take the socket: {1}.", node, reason);
        }

        return ring;
    }

    private static async ValueTask<long> ReadPositionAsync(LaneReader reader, byte[] scratch, CancellationToken token)
    {
        if (reader.Buffered.Length >= 8)
        {
            var position = BinaryPrimitives.ReadInt64LittleEndian(reader.Buffered);
            reader.Advance(8);
            return position;
        }

        await reader.ReadExactlyAsync(scratch.AsMemory(0, 8), token).ConfigureAwait(false);
        return BinaryPrimitives.ReadInt64LittleEndian(scratch);
    }

    private static void CheckChunk(uint chunk, long length, long got)
    {
        if (chunk > length - got || chunk == 0)
        {
            throw new InvalidDataException($"A chunk of {chunk:N0} bytes does not fit a payload of {length:N0} bytes at {got:N0}.");
        }
    }

    // A reliable subscription that is full holds the lane: TCP carries the wait back to the publisher. A subscription
    // that takes a message from its full queue wakes it.
    private async Task WaitForRoomAsync(string topic, CancellationToken token)
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

    internal sealed class Peer
    {
        public ImmutableHashSet<string> Routes { get; set; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

        public LaneSender? Sender { get; set; }

        // The routes a fence has marked since the lane to this node opened: their switch onto it is done.
        public ImmutableHashSet<string> Fenced { get; set; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

        // Rises when a publish asks for its routes to be fenced again, so a fence sent before that marks nothing.
        public int Epoch { get; set; }
    }
}

/// <summary>The lanes a publish goes to, and the addresses of their nodes.</summary>
/// <param name="Senders">The lanes.</param>
/// <param name="Nodes">Their nodes' addresses, in the same order.</param>
internal sealed record LaneTargets(LaneSender[] Senders, string[] Nodes)
{
    private readonly (TopicLane.Peer Peer, LaneSender Sender, int Epoch)[]? _unfenced;

    public static LaneTargets None { get; } = new([], []);

    public int Count => Senders.Length;

    /// <summary>Gets the lanes (with their nodes) that were switched on for these routes and not fenced yet.</summary>
    internal (TopicLane.Peer Peer, LaneSender Sender, int Epoch)[]? Unfenced
    {
        get => _unfenced;
        init
        {
            _unfenced = value;
            NeedsFence = value is not null;
        }
    }

    /// <summary>Gets or sets whether the next publish to these targets sends a fence first; read without a lock on every publish.</summary>
    internal volatile bool NeedsFence;
}
