using Akka.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Agents.Rpc;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Rpc;

public sealed class ConfiguredAgentsSpec
{
    private const string Agents = """
        cluster-host.agents {
          configured-chef { type = "Cluster.Tests.Rpc.Chef, Cluster.Tests" }
        }
        """;

    [Fact]
    public void An_agent_type_is_accepted_by_the_configuration_and_marked_as_an_rpc_agent()
    {
        var spec = Assert.Single(AgentConfiguration.Read(ConfigurationFactory.ParseString(Agents)));

        Assert.Equal("configured-chef", spec.Name);
        Assert.True(spec.IsRpcAgent);
    }

    [Fact]
    public async Task Agents_listed_in_the_configuration_are_spawned_into_the_container_under_their_name()
    {
        var agents = AgentConfiguration.Read(ConfigurationFactory.ParseString(Agents));
        await using var cluster = await TestCluster.StartAsync(2, (akka, index) =>
        {
            if (index == 1)
            {
                akka.WithAgents(agents);
            }
        });
        var container = AgentContainer.Get(cluster[1]);

        var listed = Assert.Single(container.Agents);
        Assert.Equal(AgentAddress.For(Akka.Cluster.Cluster.Get(cluster[1]).SelfAddress, "configured-chef"), listed.Address);
        Assert.Equal(typeof(Chef).FullName, listed.Type);

        // Found by name from the other node once the registration has replicated.
        IChef? chef = null;
        var caller = AgentContainer.Get(cluster[0]);
        await cluster.CreateProbe(0).AwaitAssertAsync(async () => chef = await caller.ConnectAsync<IChef>("configured-chef"), TimeSpan.FromSeconds(30));

        Assert.Equal(4, chef!.Add(2, 2));
    }
}
