using Akka.Hosting;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Hosting;
using Cluster.Agents.Rpc;
using Cluster.Agents.Testing;
using Cluster.Contracts.Calls;
using Xunit;

namespace MyRobot.Tests;

/// <summary>The agents on one node of a real two-node cluster in the test process, called from the other.</summary>
public sealed class ArmSpec : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(2, (akka, node) =>
        {
            if (node == 0)
            {
                akka.WithAgents([new AgentSpec("arm", typeof(ArmDevice), new ArmSettings()), new AgentSpec("arm-planner", typeof(ArmPlanner), null)]);
            }
        });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task The_arm_extends_when_asked_from_another_node()
    {
        var calls = CallClient.Get(_cluster[1]);

        // The name reaches the other node by gossip; until then a call fails at once.
        await _cluster.CreateProbe(1).AwaitAssertAsync(
            async () => Assert.Equal(0.5, await calls.RequestAsync<double>("arm", new EndpointCall("extend", [0.5]), Wait)),
            Wait);

        Assert.Equal(0.5, await calls.RequestAsync<double>("arm", new EndpointCall("reach", []), Wait));
    }

    [Fact]
    public async Task The_planner_moves_the_arm_through_a_typed_proxy()
    {
        var container = AgentContainer.Get(_cluster[1]);
        IArmPlanner? planner = null;
        await _cluster.CreateProbe(1).AwaitAssertAsync(async () => planner = await container.ConnectAsync<IArmPlanner>("arm-planner"), Wait);

        Assert.Equal(0.25, await planner!.ReachForAsync(0.3), precision: 6);
    }
}
