using Cluster.Agents.Core.Calls;
using Cluster.Agents.Rpc;
using Cluster.Contracts.Calls;

namespace MyRobot;

/// <summary>An RPC agent: plans the arm's moves and asks the <c>arm</c> device to make them.</summary>
public sealed class ArmPlanner : RpcAgent, IArmPlanner
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    [Expose]
    public async Task<double> ReachForAsync(double distance) =>
        await CallClient.Get(Container.System)
            .RequestAsync<double>("arm", new EndpointCall("extend", [Math.Max(0, distance - 0.05)]), Deadline)
            .ConfigureAwait(false);
}
