using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Cluster.Contracts.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class LaneWireSpec : Akka.TestKit.Xunit2.TestKit
{
    public LaneWireSpec()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ClusterHocon.Base), "lane-wire-spec")
    {
    }

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        return (T)serializer.FromBinary(serializer.ToBinary(message), typeof(T));
    }

    [Fact]
    public void An_envelope_whose_payload_takes_the_lane_keeps_its_reference_and_no_payload_bytes()
    {
        var at = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(1));
        var envelope = new TopicEnvelope("camera/front", "glob:camera/*", "camera", at, [])
        {
            Lane = new LaneRef("akka.tcp://robot@10.0.0.2:4053", 42, 6_220_800, ["akka.tcp://robot@10.0.0.3:4053", "akka.tcp://robot@10.0.0.4:4053"]),
            LocalPayload = new byte[10],
        };

        var copy = RoundTrip(envelope);

        Assert.Equal(envelope.Lane.Node, copy.Lane!.Node);
        Assert.Equal(42, copy.Lane.Id);
        Assert.Equal(6_220_800, copy.Lane.Length);
        Assert.Equal(envelope.Lane.Targets, copy.Lane.Targets);
        Assert.Equal((envelope.Topic, envelope.Route, envelope.Sender, at), (copy.Topic, copy.Route, copy.Sender, copy.PublishedAt));
        Assert.Empty(copy.Payload);
        Assert.Null(copy.LocalPayload);
    }

    [Fact]
    public void A_batch_keeps_lane_and_inline_envelopes_in_order()
    {
        var at = DateTimeOffset.UnixEpoch;
        var batch = new TopicBatch(
        [
            new TopicEnvelope("t", "t", "s", at, [1, 2]),
            new TopicEnvelope("t", "t", "s", at, []) { Lane = new LaneRef("n", 7, 100_000, ["m"]) },
            new TopicEnvelope("t", "t", "s", at, [3]),
        ]);

        var copy = RoundTrip(batch);

        Assert.Equal([1, 2], copy.Envelopes[0].Payload);
        Assert.Null(copy.Envelopes[0].Lane);
        Assert.Equal(7, copy.Envelopes[1].Lane!.Id);
        Assert.Equal([3], copy.Envelopes[2].Payload);
    }

    [Fact]
    public void An_envelope_of_raw_bytes_says_so_and_keeps_them()
    {
        var copy = RoundTrip(new TopicEnvelope("imu", "imu", "s", DateTimeOffset.UnixEpoch, [5, 6, 7]) { RawPayload = true });
        var serialized = RoundTrip(new TopicEnvelope("imu", "imu", "s", DateTimeOffset.UnixEpoch, [5, 6, 7]));

        Assert.True(copy.RawPayload);
        Assert.Equal([5, 6, 7], copy.Payload);
        Assert.False(serialized.RawPayload);
        Assert.Equal([5, 6, 7], serialized.Payload);
    }

    [Fact]
    public void An_envelope_keeps_the_nodes_that_got_it_over_their_lanes_with_raw_and_serialized_payloads()
    {
        var nodes = new[] { "akka.tcp://robot@10.0.0.3:4053", "akka.tcp://robot@10.0.0.4:4053" };

        var raw = RoundTrip(new TopicEnvelope("imu", "glob:i*", "s", DateTimeOffset.UnixEpoch, [5, 6, 7]) { RawPayload = true, LaneCopies = nodes });
        var batch = RoundTrip(new TopicBatch(
        [
            new TopicEnvelope("imu", "imu", "s", DateTimeOffset.UnixEpoch, [1]) { LaneCopies = nodes },
            new TopicEnvelope("imu", "imu", "s", DateTimeOffset.UnixEpoch, [2]),
        ]));

        Assert.Equal(nodes, raw.LaneCopies);
        Assert.True(raw.RawPayload);
        Assert.Equal([5, 6, 7], raw.Payload);
        Assert.Equal("glob:i*", raw.Route);
        Assert.Equal(nodes, batch.Envelopes[0].LaneCopies);
        Assert.Equal([1], batch.Envelopes[0].Payload);
        Assert.Empty(batch.Envelopes[1].LaneCopies);
        Assert.Equal([2], batch.Envelopes[1].Payload);
    }

    [Fact]
    public void A_lane_preamble_without_a_shared_memory_offer_keeps_the_format_of_nodes_without_the_shared_memory_lane()
    {
        var preamble = LaneFrame.Preamble("n", 5);

        Assert.Equal("CLN2"u8.ToArray(), preamble[..4]);
        Assert.Equal(4 + 2 + 1 + 8, preamble.Length);
        Assert.Equal(5, System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(preamble.AsSpan(7)));
    }

    [Fact]
    public async Task A_lane_preamble_with_a_shared_memory_offer_reads_back_whole()
    {
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();
        var offer = new LaneFrame.RingOffer(32L << 20, [.. Enumerable.Range(1, 16).Select(i => (byte)i)], "machine/boot", "/dev/shm/cluster-lane-1-x.ring");

        await client.SendAsync(LaneFrame.Preamble("akka.tcp://robot@127.0.0.1:4053", 9, offer));
        var (node, firstId, read) = await LaneFrame.ReadPreambleAsync(new LaneReader(server), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(("akka.tcp://robot@127.0.0.1:4053", 9L), (node, firstId));
        Assert.Equal((offer.Size, offer.Machine, offer.Path), (read!.Size, read.Machine, read.Path));
        Assert.Equal(offer.Nonce, read.Nonce);
    }

    [Fact]
    public void The_lane_handshake_messages_survive_the_cluster_serializer()
    {
        var hello = RoundTrip(new LaneHello("10.0.0.2", 40123, ["camera/front", "glob:imu/*"], IsReply: true));
        Assert.Equal(("10.0.0.2", 40123, true), (hello.Host, hello.Port, hello.IsReply));
        Assert.Equal(["camera/front", "glob:imu/*"], hello.Routes);
        Assert.Equal("glob:imu/*", RoundTrip(new RouteLeft("glob:imu/*")).Route);
    }
}
