using Akka.Actor;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Devices;
using Cluster.Agents.Rpc;
using Cluster.Tests.MultiNode;
using Cluster.Tests.Rpc;
using Xunit;

namespace Cluster.Tests.Endpoints;

public sealed class NameConflictSpec
{
    [Theory]
    [InlineData("device")]
    [InlineData("agent")]
    public async Task A_name_held_by_either_face_refuses_a_device_and_an_agent_alike(string holder)
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var system = cluster[0];
        if (holder == "device")
        {
            await NamedActors.StartAsync(system, Props.Create(() => new QuietDevice()), "twin");
        }
        else
        {
            await AgentContainer.Get(system).SpawnNamedAsync<Chef>("twin");
        }

        var device = await Assert.ThrowsAsync<DuplicateNameException>(() => NamedActors.StartAsync(system, Props.Create(() => new QuietDevice()), "twin"));
        var agent = await Assert.ThrowsAsync<DuplicateNameException>(() => AgentContainer.Get(system).SpawnNamedAsync<Chef>("twin"));

        Assert.Equal(holder, device.Holder.Kind);
        Assert.Equal(device.Message, agent.Message);
        Assert.Contains($"it is already registered by a{(holder == "agent" ? "n" : string.Empty)} {holder}", device.Message, StringComparison.Ordinal);
    }

    private sealed class QuietDevice : DeviceActor
    {
        public QuietDevice() => OnRequest("ping", () => "pong");
    }
}
