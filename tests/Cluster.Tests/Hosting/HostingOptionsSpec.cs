using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.ClusterTime;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Cluster.Agents.Operator;
using Cluster.Agents.Rpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Cluster.Tests.Hosting;

/// <summary>The builder methods that set up a node, its topic bus and its clock in code, and the services they put in the actor registry.</summary>
public sealed class HostingOptionsSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _group = "options-" + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task WithClusterNode_with_options_starts_a_node_that_seeds_itself_and_puts_the_core_services_in_the_actor_registry()
    {
        using var host = Build(akka => akka.WithClusterNode(node => node.Port = 0));

        await RunAsync(host, async system =>
        {
            await AwaitUpAsync(system);
            using var cancel = new CancellationTokenSource(Wait);
            Assert.Equal("/system/topic-bus", (await Required<TopicBus>(host, cancel.Token)).Path.ToStringWithoutAddress());
            Assert.Equal("/system/" + ClusterClock.ActorName, (await Required<ClusterClock>(host, cancel.Token)).Path.ToStringWithoutAddress());
            Assert.Equal("/user/" + OperatorEndpoint.Name, (await Required<OperatorEndpoint>(host, cancel.Token)).Path.ToStringWithoutAddress());
            Assert.Equal(ActorRegistry.For(system).Get<NameRegistry>(), await Required<NameRegistry>(host, cancel.Token));
            Assert.Equal(ActorRegistry.For(system).Get<AgentContainer>(), await Required<AgentContainer>(host, cancel.Token));
        });
    }

    [Fact]
    public async Task WithClusterNode_with_options_joins_the_seeds_given_in_code()
    {
        var port = FreePort();
        using var host = Build(akka => akka.WithClusterNode(node =>
        {
            node.Port = port;
            node.Seeds.Add($"127.0.0.1:{port}");
        }));

        await RunAsync(host, system => AwaitUpAsync(system));
    }

    [Fact]
    public async Task WithClusterNode_fails_the_start_naming_the_option_when_the_port_is_out_of_range()
    {
        using var host = Build(akka => akka.WithClusterNode(node => node.Port = 70_000));

        var error = await Record.ExceptionAsync(() => host.StartAsync());

        var wrong = Assert.IsType<ClusterConfigurationException>(Innermost(error));
        Assert.Equal("ClusterNodeOptions.Port", wrong.Key);
        Assert.Contains("not a port number", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithClusterNode_names_the_seed_that_is_not_host_and_port()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), _group);

        var error = Assert.Throws<ClusterConfigurationException>(() => builder.WithClusterNode(node =>
        {
            node.Seeds.Add("10.0.0.1:4053");
            node.Seeds.Add("rover");
        }));

        Assert.Equal("ClusterNodeOptions.Seeds[1]", error.Key);
    }

    [Fact]
    public async Task WithTopicBus_sets_the_options_given_over_the_defaults_and_keeps_the_others()
    {
        using var host = Build(akka => akka
            .WithClusterNode(node => node.Port = 0)
            .WithTopicBus(topics =>
            {
                topics.ProbeInterval = TimeSpan.FromMilliseconds(25);
                topics.BatchGap = TimeSpan.Zero;
                topics.RouteCacheSize = 42;
            }));

        await RunAsync(host, system =>
        {
            var settings = TopicBus.Get(system).Settings;
            Assert.Equal(TimeSpan.FromMilliseconds(25), settings.ProbeInterval);
            Assert.Equal(TimeSpan.Zero, settings.BatchGap);
            Assert.Equal(42, settings.RouteCacheSize);
            Assert.Equal(new TopicSettings().SubscribeTimeout, settings.SubscribeTimeout);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void WithTopicBus_refuses_a_probe_interval_that_is_not_positive_naming_the_option()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), _group);

        var error = Assert.Throws<ClusterConfigurationException>(() => builder.WithTopicBus(topics => topics.ProbeInterval = TimeSpan.Zero));

        Assert.Equal("TopicBusOptions.ProbeInterval", error.Key);
    }

    [Fact]
    public void WithTopicBus_refuses_an_empty_route_cache_naming_the_option()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), _group);

        var error = Assert.Throws<ClusterConfigurationException>(() => builder.WithTopicBus(topics => topics.RouteCacheSize = 0));

        Assert.Equal("TopicBusOptions.RouteCacheSize", error.Key);
    }

    [Fact]
    public async Task WithNodeClock_external_gives_the_node_a_clock_advanced_by_code()
    {
        using var host = Build(akka => akka
            .WithClusterNode(node => node.Port = 0)
            .WithNodeClock(NodeClockMode.External));

        await RunAsync(host, system =>
        {
            var clock = NodeClock.Get(system);
            Assert.Equal(NodeClockMode.External, clock.Mode);
            clock.External.SetTime(12.5);
            Assert.Equal(12.5, clock.Clock.Time);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void WithNodeClock_refuses_a_mode_that_is_not_one_of_the_three()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), _group);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithNodeClock((NodeClockMode)7));

        Assert.Equal("mode", error.ParamName);
    }

    private static Task<IActorRef> Required<TKey>(IHost host, CancellationToken cancellationToken) =>
        host.Services.GetRequiredService<IRequiredActor<TKey>>().GetAsync(cancellationToken);

    private static async Task AwaitUpAsync(ActorSystem system)
    {
        var probe = new TestProbe(system, new XunitAssertions());
        await probe.AwaitAssertAsync(() => Assert.Equal(MemberStatus.Up, Akka.Cluster.Cluster.Get(system).SelfMember.Status), Wait);
    }

    private static async Task RunAsync(IHost host, Func<ActorSystem, Task> check)
    {
        await host.StartAsync();
        try
        {
            await check(host.Services.GetRequiredService<ActorSystem>());
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StopAsync(stopping.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Exception? Innermost(Exception? e)
    {
        while (e?.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private IHost Build(Action<AkkaConfigurationBuilder> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka(_group, configure);
        return builder.Build();
    }
}
