namespace Cluster.Contracts.Devices;

/// <summary>A request to a device's endpoint, carried as the payload of a call.</summary>
/// <param name="Endpoint">The endpoint's name.</param>
/// <param name="Args">The arguments, in order.</param>
public sealed record DeviceRequest(string Endpoint, object?[] Args) : IClusterMessage;

/// <summary>A fire-and-forget message to a device's endpoint, carried as the payload of a one-way call.</summary>
/// <param name="Endpoint">The endpoint's name.</param>
/// <param name="Sender">The sending device's name, or the node's address.</param>
/// <param name="Data">The data.</param>
public sealed record DeviceSend(string Endpoint, string Sender, object? Data) : IClusterMessage;

/// <summary>What every device publishes on <c>&lt;device&gt;/heartbeat</c> once per heartbeat interval.</summary>
/// <param name="Device">The device's name.</param>
/// <param name="Node">The address of the device's node.</param>
/// <param name="Sequence">Counts up from 1.</param>
public sealed record DeviceHeartbeat(string Device, string Node, long Sequence) : IClusterMessage;
