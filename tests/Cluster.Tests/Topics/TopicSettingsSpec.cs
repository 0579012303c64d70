using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class TopicSettingsSpec
{
    /// <summary>Reads the topic settings from <paramref name="hocon"/> over the bus's defaults.</summary>
    internal static TopicSettings Read(string hocon) =>
        TopicSettings.Create(ConfigurationFactory.ParseString(hocon).WithFallback(TopicBus.DefaultConfig()).WithFallback(ClusterHocon.Base));

    [Fact]
    public void The_defaults_batch_publishes_that_come_within_fifty_microseconds_of_each_other()
    {
        var settings = Read("");

        Assert.Equal(TimeSpan.FromMicroseconds(50), settings.BatchGap);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.SubscribeTimeout);
        Assert.Equal(4 * 1024 * 1024, settings.FrameSize);
    }

    [Fact]
    public void A_batch_gap_of_zero_turns_batching_off() =>
        Assert.Equal(TimeSpan.Zero, Read("cluster-node.topics.batch-gap = 0s").BatchGap);

    [Theory]
    [InlineData("cluster-node.topics.batch-gap = -1ms", "cluster-node.topics.batch-gap")]
    [InlineData("cluster-node.topics.batch-gap = soon", "cluster-node.topics.batch-gap")]
    [InlineData("cluster-node.topics.probe-interval = 0s", "cluster-node.topics.probe-interval")]
    public void A_bad_value_is_refused_naming_its_key(string hocon, string key) =>
        Assert.Equal(key, Assert.Throws<ClusterConfigurationException>(() => Read(hocon)).Key);

    [Theory]
    [InlineData("cluster-node.topics.batch-gap = 5", "cluster-node.topics.batch-gap", "5")]
    [InlineData("cluster-node.topics.probe-interval = \"10\"", "cluster-node.topics.probe-interval", "10")]
    public void Bare_number_for_a_duration_is_refused_naming_the_key(string hocon, string key, string value)
    {
        var error = Assert.Throws<ClusterConfigurationException>(() => Read(hocon));

        Assert.Equal(key, error.Key);
        Assert.Equal($"{key} = '{value}': a duration needs a unit, e.g. \"{value} ms\" or \"{value} s\".", error.Message);
    }

    [Theory]
    [InlineData("100ms", 100)]
    [InlineData("100 ms", 100)]
    [InlineData("\"100 milliseconds\"", 100)]
    [InlineData("2 seconds", 2000)]
    [InlineData("2s", 2000)]
    [InlineData("1 minute", 60_000)]
    [InlineData("1m", 60_000)]
    public void Durations_with_a_unit_are_read_in_any_of_the_forms_HOCON_allows(string value, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Read($"cluster-node.topics.subscribe-timeout = {value}").SubscribeTimeout);
}
