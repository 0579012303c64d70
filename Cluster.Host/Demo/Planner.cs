using System.Globalization;
using Akka.Event;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Rpc;

namespace Cluster.Host.Demo;

/// <summary>
/// A demo proactive agent: every 8 s of the node's clock it picks the next speed of a small plan and sets it
/// through a typed proxy to the <c>drive-control</c> agent, wherever in the cluster that runs, logging one line.
/// </summary>
public sealed class Planner : RpcAgent
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(8);
    private static readonly double[] Plan = [0.5, 1.0, 1.5, 1.0];

    /// <inheritdoc />
    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        IDriveControl? drive = null;
        for (var step = 0; !cancellationToken.IsCancellationRequested; step++)
        {
            await Clock.Sleep(Period, cancellationToken).ConfigureAwait(false);
            try
            {
                drive ??= await Container.ConnectAsync<IDriveControl>("drive-control", cancellationToken).ConfigureAwait(false);
                var speed = await drive.SetSpeedAsync(Plan[step % Plan.Length]).ConfigureAwait(false);
                Log.Info("planner: drive speed set to {0} m/s through {1}", speed.ToString(CultureInfo.InvariantCulture), ((IAgentReference)drive).Address);
            }
            catch (Exception e) when (e is UnknownNameException or AgentNotFoundException or Cluster.Agents.Core.Calls.RemoteException or Cluster.Agents.Core.Calls.TargetTerminatedException or TimeoutException)
            {
                drive = null;
                Log.Warning("planner: could not set the drive's speed: {0}", e.Message);
            }
        }
    }
}
