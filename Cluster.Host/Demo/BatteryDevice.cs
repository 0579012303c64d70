using Cluster.Agents.Devices;

namespace Cluster.Host.Demo;

/// <summary>A demo device: a battery that publishes <c>battery/voltage</c> once a second, slowly draining.</summary>
public sealed class BatteryDevice : DeviceActor
{
    /// <summary>Creates the battery.</summary>
    public BatteryDevice()
    {
        Storage["volts"] = 12.6;
        Every("1 s", () =>
        {
            var volts = Math.Max(10.5, (double)Storage["volts"]! - 0.001);
            Storage["volts"] = volts;
            Publish("voltage", new Voltage(Math.Round(volts, 3)));
        });
        OnRequest("voltage", () => (double)Storage["volts"]!);
    }
}
