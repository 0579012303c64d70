using Cluster.Agents.Devices;

namespace FaultAgents;

/// <summary>A device whose one endpoint never answers: a request to it stays in flight until its node goes.</summary>
public sealed class HoldDevice : DeviceActor
{
    public HoldDevice() => OnRequest("hold", _ => new TaskCompletionSource<object?>().Task);
}
