using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class LaneSettingsSpec
{
    private static LaneSettings Read(string hocon) =>
        TopicSettings.Create(ConfigurationFactory.ParseString(hocon).WithFallback(TopicBus.DefaultConfig()).WithFallback(ClusterHocon.Base)).Lane;

    [Fact]
    public void The_defaults_send_payloads_from_32_KiB_over_the_lane_up_to_64_MiB_keeping_the_last_8()
    {
        var settings = Read("");

        Assert.True(settings.Enabled);
        Assert.False(settings.AllowUnencrypted);
        Assert.Equal(32 * 1024, settings.Threshold);
        Assert.Equal(256 * 1024, settings.ChunkSize);
        Assert.Equal(64L * 1024 * 1024, settings.MaxPayloadBytes);
        Assert.True(settings.SharedMemory);
        Assert.Equal(32L * 1024 * 1024, settings.SharedMemorySize);
        Assert.Equal(0, settings.Port);
        Assert.Equal(new TopicQos(TopicHistory.KeepLast, 8), settings.Qos);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.FenceTimeout);
        Assert.Null(settings.Explicit("camera/front"));
        Assert.Equal(64L * 1024 * 1024, settings.For("camera/front").MaxPayloadBytes);
    }

    [Fact]
    public void The_most_specific_topic_rule_applies_exact_before_longer_globs()
    {
        var settings = Read("""
            cluster-node.topics.lane {
              max-payload = 8MiB
              topics {
                "camera/*" { max-payload = 32MiB, depth = 2 }
                "camera/front/*" { history = reliable, depth = 4 }
                "camera/front/raw" { max-payload = 128MiB }
                "*" { depth = 16 }
              }
            }
            """);

        Assert.Equal((32L << 20, new TopicQos(TopicHistory.KeepLast, 2)), (settings.For("camera/left").MaxPayloadBytes, settings.For("camera/left").Qos));
        Assert.Equal((8L << 20, new TopicQos(TopicHistory.Reliable, 4)), (settings.For("camera/front/depth").MaxPayloadBytes, settings.For("camera/front/depth").Qos));
        Assert.Equal(128L << 20, settings.For("camera/front/raw").MaxPayloadBytes);
        Assert.Equal(16, settings.For("lidar").Qos.Depth);
        Assert.Equal("camera/*", settings.Explicit("camera/left")!.Pattern!.Text);
    }

    [Fact]
    public void Shared_memory_can_be_turned_off_and_its_ring_sized()
    {
        var settings = Read("cluster-node.topics.lane { shared-memory = off, shared-memory-size = 4MiB }");

        Assert.False(settings.SharedMemory);
        Assert.Equal(4L * 1024 * 1024, settings.SharedMemorySize);
    }

    [Theory]
    [InlineData("cluster-node.topics.lane.shared-memory-size = 1KiB", "cluster-node.topics.lane.shared-memory-size")]
    [InlineData("cluster-node.topics.lane.threshold = 0", "cluster-node.topics.lane.threshold")]
    [InlineData("cluster-node.topics.lane.chunk-size = 100", "cluster-node.topics.lane.chunk-size")]
    [InlineData("cluster-node.topics.lane.chunk-size = 1GiB", "cluster-node.topics.lane.chunk-size")]
    [InlineData("cluster-node.topics.lane.max-payload = lots", "cluster-node.topics.lane.max-payload")]
    [InlineData("cluster-node.topics.lane.port = 70000", "cluster-node.topics.lane.port")]
    [InlineData("cluster-node.topics.lane.history = sometimes", "cluster-node.topics.lane.history")]
    [InlineData("cluster-node.topics.lane.depth = 0", "cluster-node.topics.lane.depth")]
    [InlineData("cluster-node.topics.lane.fence-timeout = 0s", "cluster-node.topics.lane.fence-timeout")]
    [InlineData("cluster-node.topics.lane.topics { \"cam/*\" { depth = 0 } }", "cluster-node.topics.lane.topics.\"cam/*\".depth")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key) =>
        Assert.Equal(key, Assert.Throws<ClusterConfigurationException>(() => Read(hocon)).Key);
}
