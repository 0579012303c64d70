using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Hosting;
using Cluster.Host.Demo;
using Cluster.Tests.Rpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Cluster.Tests.Hosting;

/// <summary>The Akka.Hosting builder methods that add agents, and the readiness check, on a hosted node of its own.</summary>
public sealed class HostingSurfaceSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private IHost Build(Action<AkkaConfigurationBuilder> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHealthChecks();
        var node = new NodeOptions { Group = "hosting-" + _id, Port = 0 };
        builder.Services.AddAkka(node.Group, akka =>
        {
            akka.WithClusterNode(node, ClusterHocon.Host);
            configure(akka);
        });
        return builder.Build();
    }

    [Fact]
    public async Task WithDevice_and_WithRpcAgent_start_named_agents_and_the_readiness_check_turns_healthy_once_the_node_is_up()
    {
        using var host = Build(akka => akka
            .WithDevice<DriveDevice>($"drive-{_id}")
            .WithRpcAgent<Chef>($"chef-{_id}")
            .WithReadinessCheck());
        var health = host.Services.GetRequiredService<HealthCheckService>();

        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var probe = new TestProbe(system, new XunitAssertions());
            await probe.AwaitAssertAsync(
                async () => Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(check => check.Tags.Contains(NodeReadiness.Tag))).Status),
                Wait);

            Assert.True(NameRegistry.Get(system).TryLookup($"drive-{_id}", out _));
            Assert.True(NameRegistry.Get(system).TryLookup($"chef-{_id}", out _));
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StopAsync(stopping.Token);
        }
    }

    [Fact]
    public void WithDevice_refuses_a_name_that_is_not_an_actor_name()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "hosting-" + _id);

        var error = Assert.Throws<ArgumentException>(() => builder.WithDevice<DriveDevice>("no/slash"));

        Assert.Contains("'no/slash' is not a valid agent name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithAgentsFromConfiguration_fails_at_once_naming_the_key_of_a_wrong_entry()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("""cluster-host.agents.arm.type = "NoSuch.Arm, NoSuch" """);

        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "hosting-" + _id);

        var error = Assert.Throws<ClusterConfigurationException>(() => builder.WithAgentsFromConfiguration(config));

        Assert.Equal("cluster-host.agents.arm.type", error.Key);
    }
}
