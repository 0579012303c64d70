using System.Runtime.Serialization;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Cluster.Contracts;
using Cluster.Contracts.Serialization;
using Cluster.Contracts.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class TopicEnvelopeSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config LocalConfig =
        ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ClusterHocon.Base);

    public TopicEnvelopeSerializerSpec()
        : base(LocalConfig, "envelope-spec")
    {
    }

    private Akka.Serialization.Serializer Serializer => Sys.Serialization.FindSerializerForType(typeof(TopicEnvelope));

    private TopicEnvelope RoundTrip(TopicEnvelope envelope) =>
        (TopicEnvelope)Serializer.FromBinary(Serializer.ToBinary(envelope), typeof(TopicEnvelope));

    [Fact]
    public void Envelopes_have_their_own_serializer_and_payloads_keep_the_cluster_serializer()
    {
        Assert.IsType<TopicEnvelopeSerializer>(Serializer);
        Assert.Equal(TopicEnvelopeSerializer.Id, Serializer.Identifier);
        Assert.IsType<HyperionSerializer>(Sys.Serialization.FindSerializerForType(typeof(IClusterMessage)));
    }

    [Theory]
    [InlineData("drive/odometry", "drive/odometry")]
    [InlineData("drive/odometry", "glob:drive/*")]
    [InlineData("capteur/température", "glob:capteur/*")]
    public void An_envelope_keeps_every_field_but_the_local_payload(string topic, string route)
    {
        var publishedAt = new DateTimeOffset(2024, 5, 1, 12, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234567);
        var envelope = new TopicEnvelope(topic, route, "akka.tcp://cluster@10.0.0.7:4053", publishedAt, [1, 2, 3, 250]) { LocalPayload = "local only" };

        var copy = RoundTrip(envelope);

        Assert.Equal(topic, copy.Topic);
        Assert.Equal(route, copy.Route);
        Assert.Equal(envelope.Sender, copy.Sender);
        Assert.Equal(publishedAt, copy.PublishedAt);
        Assert.Equal(publishedAt.Offset, copy.PublishedAt.Offset);
        Assert.Equal(envelope.Payload, copy.Payload);
        Assert.Null(copy.LocalPayload);
    }

    [Fact]
    public void An_empty_payload_and_an_empty_sender_survive() =>
        Assert.Empty(RoundTrip(new TopicEnvelope("t", "t", "", DateTimeOffset.UnixEpoch, [])).Payload);

    [Fact]
    public void A_fence_keeps_its_node_and_number_alone_and_between_publishes_in_a_batch()
    {
        var at = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var fence = new TopicEnvelope("glob:imu/*", "glob:imu/*", "akka.tcp://robot@10.0.0.3:4053", at, []) { Fence = new LaneFence("akka.tcp://robot@10.0.0.3:4053", long.MaxValue - 1) };

        var alone = RoundTrip(fence);
        var batch = (TopicBatch)Serializer.FromBinary(
            Serializer.ToBinary(new TopicBatch([new("imu/left", "glob:imu/*", "imu", at, [1]), fence, new("imu/left", "glob:imu/*", "imu", at, [2])])),
            typeof(TopicBatch));

        Assert.Equal(fence.Fence, alone.Fence);
        Assert.Equal("glob:imu/*", alone.Route);
        Assert.Equal([null, fence.Fence, null], batch.Envelopes.Select(envelope => envelope.Fence));
        Assert.Equal([1], batch.Envelopes[0].Payload);
        Assert.Equal([2], batch.Envelopes[2].Payload);
    }

    [Fact]
    public void A_batch_keeps_its_envelopes_in_order_with_every_field()
    {
        var at = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        TopicEnvelope[] envelopes =
        [
            new("imu/left", "glob:imu/*", "imu", at, [1]),
            new("imu/right", "glob:imu/*", "imu", at.AddTicks(1), []),
            new("imu/left", "glob:imu/*", "akka.tcp://robot@10.0.0.3:4053", at.AddSeconds(1), [9, 8, 7]),
        ];

        var copy = (TopicBatch)Serializer.FromBinary(Serializer.ToBinary(new TopicBatch(envelopes)), typeof(TopicBatch));

        Assert.Equal(envelopes.Length, copy.Envelopes.Count);
        for (var i = 0; i < envelopes.Length; i++)
        {
            Assert.Equal(envelopes[i].Topic, copy.Envelopes[i].Topic);
            Assert.Equal(envelopes[i].Route, copy.Envelopes[i].Route);
            Assert.Equal(envelopes[i].Sender, copy.Envelopes[i].Sender);
            Assert.Equal(envelopes[i].PublishedAt, copy.Envelopes[i].PublishedAt);
            Assert.Equal(envelopes[i].Payload, copy.Envelopes[i].Payload);
        }
    }

    [Fact]
    public void A_batch_with_an_impossible_count_or_cut_short_is_refused()
    {
        var bytes = Serializer.ToBinary(new TopicBatch([new TopicEnvelope("t", "t", "s", DateTimeOffset.UnixEpoch, [1, 2])]));

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes[..^1], typeof(TopicBatch)));
        var huge = (byte[])bytes.Clone();
        huge[4] = 0x7F;
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(huge, typeof(TopicBatch)));
    }

    [Fact]
    public void Truncated_or_foreign_bytes_are_refused()
    {
        var bytes = Serializer.ToBinary(new TopicEnvelope("t", "t", "s", DateTimeOffset.UnixEpoch, [1, 2, 3]));

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes[..^2], typeof(TopicEnvelope)));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([], typeof(TopicEnvelope)));
        bytes[0] = 99;
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, typeof(TopicEnvelope)));
    }

    [Fact]
    public void Only_envelopes_are_written() =>
        Assert.Throws<ArgumentException>(() => Serializer.ToBinary("not an envelope"));
}
