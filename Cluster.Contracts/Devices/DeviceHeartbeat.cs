namespace Cluster.Contracts.Devices;

/// <summary>What every device publishes on <c>&lt;device&gt;/heartbeat</c> once per heartbeat interval.</summary>
/// <param name="Device">The device's name.</param>
/// <param name="Node">The address of the device's node.</param>
/// <param name="Sequence">Counts up from 1.</param>
public sealed record DeviceHeartbeat(string Device, string Node, long Sequence) : IClusterMessage;
