using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Registry;
using Xunit;

namespace Cluster.Tests.Unit;

public sealed class ConfigDurationsSpec
{
    [Fact]
    public void Bare_number_for_a_duration_is_refused_naming_the_key_and_the_fix()
    {
        var config = ConfigurationFactory.ParseString("cluster-node.agents.call-deadline = 5");

        var error = Assert.Throws<ClusterConfigurationException>(() => ConfigDurations.Get(config, "cluster-node.agents.call-deadline"));

        Assert.Equal("cluster-node.agents.call-deadline", error.Key);
        Assert.Equal("cluster-node.agents.call-deadline = '5': a duration needs a unit, e.g. \"5 ms\" or \"5 s\".", error.Message);
    }

    [Theory]
    [InlineData("250ms", 0.25)]
    [InlineData("250 ms", 0.25)]
    [InlineData("\"1.5 s\"", 1.5)]
    [InlineData("2 seconds", 2)]
    [InlineData("3 minutes", 180)]
    [InlineData("1h", 3600)]
    public void A_duration_with_a_unit_is_read(string value, double seconds) =>
        Assert.Equal(
            TimeSpan.FromSeconds(seconds),
            ConfigDurations.Get(ConfigurationFactory.ParseString($"a.b = {value}"), "a.b"));

    [Fact]
    public void A_missing_key_takes_the_fallback_and_a_required_one_is_refused_naming_it()
    {
        var config = ConfigurationFactory.ParseString("a.other = 1s");

        Assert.Equal(TimeSpan.FromSeconds(7), ConfigDurations.Get(config, "a.b", TimeSpan.FromSeconds(7)));
        Assert.Equal("a.b", Assert.Throws<ClusterConfigurationException>(() => ConfigDurations.Get(config, "a.b")).Key);
    }

    [Fact]
    public void An_object_where_a_duration_belongs_is_refused_naming_the_key() =>
        Assert.Equal(
            "a.b",
            Assert.Throws<ClusterConfigurationException>(() => ConfigDurations.Get(ConfigurationFactory.ParseString("a.b { c = 1s }"), "a.b")).Key);

    [Fact]
    public void The_registry_refuses_a_bare_number_naming_its_full_key() =>
        Assert.Equal(
            "cluster-node.registry.digest-interval",
            Assert.Throws<ClusterConfigurationException>(() => NameRegistrySettings.Create(ConfigurationFactory.ParseString("cluster-node.registry.digest-interval = 2"))).Key);
}
