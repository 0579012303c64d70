using Cluster.Contracts;

namespace Cluster.Host.Demo;

/// <summary>The demo drive's position, published on <c>drive/odometry</c>.</summary>
/// <param name="X">Metres travelled along its heading.</param>
/// <param name="Speed">Its speed in metres per second.</param>
public sealed record Odometry(double X, double Speed) : IClusterMessage;

/// <summary>The demo battery's voltage, published on <c>battery/voltage</c>.</summary>
/// <param name="Volts">The voltage.</param>
public sealed record Voltage(double Volts) : IClusterMessage;
