using System.Net;
using Akka.Cluster;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Cluster.Tests.MultiNode;

public sealed class TestClusterSpec
{
    [Fact]
    public async Task Three_nodes_start_joined_and_every_node_sees_all_members_up()
    {
        await using var cluster = await TestCluster.StartAsync(3);

        foreach (var node in cluster.Nodes)
        {
            var state = Akka.Cluster.Cluster.Get(node).State;
            Assert.Equal(3, state.Members.Count(member => member.Status == MemberStatus.Up));
            Assert.Empty(state.Unreachable);
        }
    }

    [Fact]
    public async Task A_node_of_another_group_is_refused_by_the_seed_and_never_joins()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var seedAddress = Akka.Cluster.Cluster.Get(cluster[0]).SelfAddress;
        var refusals = cluster.CreateProbe(0);
        cluster[0].EventStream.Subscribe(refusals.Ref, typeof(Akka.Event.Error));
        var stranger = new NodeOptions
        {
            Group = "stranger",
            Port = 0,
            Seeds = [new DnsEndPoint(seedAddress.Host!, seedAddress.Port!.Value)],
        };

        using var host = NodeRunner.Build(stranger, ClusterHocon.Host, []);
        await host.StartAsync();
        try
        {
            // The seed drops the stranger's join request as addressed to another system.
            await refusals.FishForMessageAsync<Akka.Event.Error>(
                e => e.Message.ToString()!.Contains("akka.tcp://stranger@", StringComparison.Ordinal),
                TimeSpan.FromSeconds(15));

            Assert.Equal(2, Akka.Cluster.Cluster.Get(cluster[0]).State.Members.Count);
            var strangerSystem = host.Services.GetRequiredService<Akka.Actor.ActorSystem>();
            Assert.DoesNotContain(Akka.Cluster.Cluster.Get(strangerSystem).State.Members, m => m.Status == MemberStatus.Up);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Disposing_the_cluster_terminates_every_node()
    {
        var cluster = await TestCluster.StartAsync(2);
        var nodes = cluster.Nodes;

        await cluster.DisposeAsync();

        foreach (var node in nodes)
        {
            Assert.True(node.WhenTerminated.IsCompleted, $"{node.Name} is still running");
        }
    }
}
