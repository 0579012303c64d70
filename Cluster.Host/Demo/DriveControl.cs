using Cluster.Agents.Core.Calls;
using Cluster.Agents.Rpc;
using Cluster.Contracts.Calls;

namespace Cluster.Host.Demo;

/// <summary>
/// A demo agent that exposes <c>SetSpeed</c> to other agents and forwards it to the <c>drive</c> device
/// (<see cref="DriveDevice"/>) as a <c>set-speed</c> request.
/// </summary>
public sealed class DriveControl : RpcAgent, IDriveControl
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    [Expose]
    public async Task<double> SetSpeedAsync(double metresPerSecond) =>
        await CallClient.Get(Container.System)
            .RequestAsync<double>("drive", new EndpointCall("set-speed", [metresPerSecond]), Deadline)
            .ConfigureAwait(false);
}
