using System.Net;
using Akka.Actor;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Xunit;

namespace Cluster.Tests.Unit;

public sealed class NodeOptionsSpec
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static NodeOptions Resolve(
        Func<string, string?> environment,
        string? group = null,
        string? ip = null,
        int? port = null,
        params string[] seeds) =>
        NodeOptions.Resolve(group, ip, port, seeds, hasSeeds => hasSeeds ? 0 : NodeOptions.DefaultSeedPort, environment);

    [Fact]
    public void Without_arguments_or_environment_the_defaults_apply()
    {
        var options = Resolve(Env());

        Assert.Equal("robot", options.Group);
        Assert.Equal("127.0.0.1", options.Ip);
        Assert.Equal(4053, options.Port);
        Assert.Empty(options.Seeds);
    }

    [Fact]
    public void Environment_variables_set_every_value()
    {
        var options = Resolve(Env(
            ("CLUSTER_GROUP", "rover"),
            ("CLUSTER_IP", "10.0.0.5"),
            ("CLUSTER_PORT", "5000"),
            ("CLUSTER_SEEDS", "10.0.0.1:4053, 10.0.0.2:4053")));

        Assert.Equal("rover", options.Group);
        Assert.Equal("10.0.0.5", options.Ip);
        Assert.Equal(5000, options.Port);
        Assert.Equal([new DnsEndPoint("10.0.0.1", 4053), new DnsEndPoint("10.0.0.2", 4053)], options.Seeds.AsEnumerable());
        Assert.Equal(
            [new Address("akka.tcp", "rover", "10.0.0.1", 4053), new Address("akka.tcp", "rover", "10.0.0.2", 4053)],
            options.SeedAddresses.AsEnumerable());
    }

    [Fact]
    public void Command_line_values_win_over_the_environment()
    {
        var options = Resolve(
            Env(("CLUSTER_GROUP", "rover"), ("CLUSTER_PORT", "5000"), ("CLUSTER_SEEDS", "10.0.0.1:4053")),
            group: "lab",
            port: 6000,
            seeds: "127.0.0.1:7000");

        Assert.Equal("lab", options.Group);
        Assert.Equal(6000, options.Port);
        Assert.Equal([new DnsEndPoint("127.0.0.1", 7000)], options.Seeds.AsEnumerable());
    }

    [Fact]
    public void With_seeds_the_default_port_is_any_free_port()
    {
        var options = Resolve(Env(), seeds: "127.0.0.1:4053");

        Assert.Equal(0, options.Port);
    }

    [Theory]
    [InlineData("CLUSTER_PORT", "abc")]
    [InlineData("CLUSTER_PORT", "70000")]
    [InlineData("CLUSTER_SEEDS", "10.0.0.1")]
    [InlineData("CLUSTER_SEEDS", "10.0.0.1:0")]
    [InlineData("CLUSTER_SEEDS", "bad host:4053")]
    [InlineData("CLUSTER_GROUP", "my robot")]
    [InlineData("CLUSTER_IP", "not an ip")]
    public void A_malformed_variable_is_refused_naming_the_variable_and_value(string variable, string value)
    {
        var error = Assert.Throws<ClusterConfigurationException>(() => Resolve(Env((variable, value))));

        Assert.Equal(variable, error.Key);
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_seed_option_is_refused_naming_the_option()
    {
        var error = Assert.Throws<ClusterConfigurationException>(() => Resolve(Env(), seeds: "localhost"));

        Assert.Equal("--seed", error.Key);
        Assert.Contains("host:port", error.Message, StringComparison.Ordinal);
    }
}
