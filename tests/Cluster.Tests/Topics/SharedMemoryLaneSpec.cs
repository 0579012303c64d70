using System.Buffers.Binary;
using System.Threading.Channels;
using Akka.Configuration;
using Akka.Event;
using Cluster.Agents.Core.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

/// <summary>
/// Two lanes in this process, node A sending to node B on loopback, as two nodes on one machine: large payloads
/// go through the shared-memory ring, the socket carries where each lies and every small message, in order.
/// </summary>
public sealed class SharedMemoryLaneSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const int Threshold = 4096;
    private const int Ring = 256 * 1024;
    private const string A = "akka.tcp://robot@127.0.0.1:1";
    private const string B = "akka.tcp://robot@127.0.0.1:2";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly string[] Routes = ["t"];
    private readonly Channel<(LaneFrame.Header Header, byte[] Bytes)> _received = Channel.CreateUnbounded<(LaneFrame.Header, byte[])>();
    private readonly List<TopicLane> _lanes = [];
    private volatile bool _room = true;

    public SharedMemoryLaneSpec()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local"), "shared-memory-lane-spec")
    {
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var lane in _lanes)
        {
            await lane.DisposeAsync();
        }
    }

    private static LaneSettings Settings(bool sharedMemory = true) => new()
    {
        Threshold = Threshold,
        ChunkSize = 8 * 1024,
        MaxPayloadBytes = 4 * Ring,
        SharedMemory = sharedMemory,
        SharedMemorySize = Ring,
        ReconnectInterval = TimeSpan.FromMilliseconds(50),
    };

    private static byte[] Payload(int size, int seq)
    {
        var bytes = new byte[size];
        new Random(seq).NextBytes(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, seq);
        return bytes;
    }

    private TopicLane Lane(string node, LaneSettings settings)
    {
        var lane = new TopicLane(settings, node, "127.0.0.1", NoLogger.Instance, _ => _room, (_, header, buffer) =>
        {
            _received.Writer.TryWrite((header, buffer.Span.ToArray()));
            buffer.Release();
        });
        _lanes.Add(lane);
        return lane;
    }

    // Node B accepts A's lane; A connects to B and waits until it is up.
    private async Task<(TopicLane Sender, TopicLane Receiver)> ConnectAsync(bool receiverSharedMemory = true)
    {
        var receiver = Lane(B, Settings(receiverSharedMemory));
        receiver.MemberUp(A);
        var sender = Lane(A, Settings());
        sender.SetPeer(B, "127.0.0.1", receiver.Port, Routes);
        await AwaitAssertAsync(() => Assert.True(sender.IsConnected(B), "the lane from A to B did not connect"), Wait);
        return (sender, receiver);
    }

    private async Task CloseAsync(TopicLane lane)
    {
        _lanes.Remove(lane);
        await lane.DisposeAsync();
    }

    private static void Send(TopicLane lane, byte[] payload) =>
        lane.TargetsFor(Routes).Senders.Single().Enqueue(new LaneSender.Outgoing(
            lane.NextId(), "t", "publisher", DateTimeOffset.UnixEpoch, LaneBuffer.Wrap(payload), LaneFrame.RawFlag, null));

    // The sender counts a payload once its write returned, which may be after the receiver has it.
    private Task SentAsync(TopicLane sender, int count) =>
        AwaitAssertAsync(() => Assert.Equal(count, sender.Statistics.PayloadsSent), Wait);

    // Sends every payload, checks each arrives whole and in order, and waits until the sender has counted them.
    private async Task SendAndReceiveInOrderAsync(TopicLane sender, IReadOnlyList<byte[]> payloads)
    {
        foreach (var payload in payloads)
        {
            Send(sender, payload);
        }

        foreach (var payload in payloads)
        {
            Assert.Equal(payload, await ReceiveAsync());
        }

        await SentAsync(sender, payloads.Count);
    }

    private async Task<byte[]> ReceiveAsync() => (await _received.Reader.ReadAsync().AsTask().WaitAsync(Wait)).Bytes;

    [Fact]
    public async Task Payloads_at_and_around_the_threshold_and_the_ring_size_go_through_shared_memory_whole_and_in_order_with_small_messages_between_them()
    {
        var (sender, _) = await ConnectAsync();
        Assert.Equal(1, sender.Statistics.SharedMemoryLanes);
        int[] large = [Threshold, Threshold + 1, Ring - 1, Ring, Threshold];
        var sent = new List<byte[]>();
        var seq = 0;
        foreach (var size in large)
        {
            sent.Add(Payload(size, seq++));
            sent.Add(Payload(Threshold - 1, seq++));
            sent.Add(Payload(8, seq++));
        }

        await SendAndReceiveInOrderAsync(sender, sent);
        Assert.Equal(large.Length, sender.Statistics.SharedMemorySent);
    }

    [Fact]
    public async Task A_payload_larger_than_the_ring_takes_the_socket_in_chunks_and_the_next_one_the_ring_again()
    {
        var (sender, receiver) = await ConnectAsync();
        var larger = Payload(Ring + 1, 1);
        var fits = Payload(Ring / 2, 2);

        Send(sender, larger);
        Send(sender, fits);

        Assert.Equal(larger, await ReceiveAsync());
        Assert.Equal(fits, await ReceiveAsync());
        await SentAsync(sender, 2);
        Assert.Equal(1, sender.Statistics.SharedMemorySent);
        Assert.Equal(2, receiver.Statistics.PayloadsReceived);
    }

    [Fact]
    public async Task The_ring_is_reused_for_many_more_payloads_than_fit_at_once()
    {
        var (sender, _) = await ConnectAsync();
        // A third of the ring and a byte: two fit, the third starts over at the ring's beginning once it is free.
        var payloads = Enumerable.Range(0, 60).Select(i => Payload((Ring / 3) + 1 + i, i)).ToList();

        await SendAndReceiveInOrderAsync(sender, payloads);
        Assert.Equal(payloads.Count, sender.Statistics.SharedMemorySent);
    }

    [Fact]
    public async Task The_ring_file_is_gone_once_both_nodes_mapped_it_and_a_dead_processs_ring_file_is_removed()
    {
        // Process ids never reach int.MaxValue: this file's creator is not running.
        var stale = Path.Combine(SharedRing.Folder, $"cluster-lane-{int.MaxValue}-{Guid.NewGuid():N}.ring");
        await File.WriteAllBytesAsync(stale, new byte[16]);

        var (sender, _) = await ConnectAsync();
        var ring = sender.RingPath(B);
        Send(sender, Payload(Threshold * 2, 1));
        await ReceiveAsync();

        Assert.NotNull(ring);
        Assert.False(File.Exists(ring), $"the ring file {ring} is still there");
        Assert.False(File.Exists(stale), $"the stale ring file {stale} is still there");
        await SentAsync(sender, 1);
        Assert.Equal(1, sender.Statistics.SharedMemorySent);
        await CloseAsync(sender);
        Assert.Empty(SharedRing.OwnFiles());
    }

    [Fact]
    public async Task A_node_with_shared_memory_off_declines_the_ring_and_large_payloads_take_the_socket()
    {
        var (sender, _) = await ConnectAsync(receiverSharedMemory: false);
        var payload = Payload(Threshold * 3, 1);

        Send(sender, payload);

        Assert.Equal(payload, await ReceiveAsync());
        await SentAsync(sender, 1);
        Assert.Equal(0, sender.Statistics.SharedMemorySent);
        Assert.Null(sender.RingPath(B));
        Assert.Empty(SharedRing.OwnFiles());
    }

    [Fact]
    public async Task A_receiving_node_that_dies_while_its_sender_waits_for_ring_space_leaves_nothing_blocked()
    {
        var (sender, receiver) = await ConnectAsync();
        _room = false;
        var payload = Payload(Ring / 2 - 1, 1);

        // B holds the first (no room for it), the second fills the ring, the third waits for space, the fourth is queued.
        for (var i = 0; i < 4; i++)
        {
            Send(sender, payload);
        }

        await AwaitAssertAsync(() => Assert.Equal(1, sender.Queued(B)), Wait);
        Assert.Equal(0, sender.Statistics.SendBroken);
        await CloseAsync(receiver);

        await AwaitAssertAsync(() => Assert.Equal(1, sender.Statistics.SendBroken), Wait);
        Assert.False(sender.IsConnected(B));
        await CloseAsync(sender).WaitAsync(Wait);
    }
}
