using Akka.Event;
using Cluster.Agents.Devices;
using Cluster.Contracts.Devices;

namespace Cluster.Host.Demo;

/// <summary>
/// A demo device that watches the others: it hears every <c>*/heartbeat</c> (and says so for each new
/// device), the drive's odometry and the battery's voltage, asks the drive for its speed, and logs one
/// summary line every 5 s.
/// </summary>
public sealed class DashboardDevice : DeviceActor
{
    private readonly SortedSet<string> _alive = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private Odometry? _odometry;
    private Voltage? _voltage;

    /// <summary>Creates the dashboard.</summary>
    public DashboardDevice()
    {
        On<DeviceHeartbeat>("*/heartbeat", (_, heartbeat) =>
        {
            _alive.Add(heartbeat.Device);
            if (_known.Add(heartbeat.Device))
            {
                Log.Info("heartbeat from {0} on {1}", heartbeat.Device, heartbeat.Node);
            }
        });
        On<Odometry>("drive/odometry", (_, odometry) => _odometry = odometry);
        On<Voltage>("battery/voltage", (_, voltage) => _voltage = voltage);
        Every("5 s", async () =>
        {
            string speed;
            try
            {
                speed = $"{await Request<double>("drive", "speed")} m/s";
            }
            catch (Exception e) when (e is Cluster.Agents.Core.Registry.UnknownNameException or TimeoutException or Cluster.Agents.Core.Calls.RemoteException)
            {
                speed = $"unknown ({e.GetType().Name})";
            }

            Log.Info(
                "devices alive: {0}; drive at x = {1} m, speed {2}; battery {3}",
                _alive.Count == 0 ? "none yet" : string.Join(", ", _alive),
                _odometry?.X.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) ?? "?",
                speed,
                _voltage is null ? "?" : $"{_voltage.Volts:0.000} V");
            _alive.Clear();
        });
    }
}
