using Akka.Event;
using Cluster.Agents.Devices;

namespace Cluster.Host.Demo;

/// <summary>
/// A demo device: a drive that publishes <c>drive/odometry</c> at 10 Hz and answers <c>speed</c> (the
/// current speed) and <c>set-speed</c> (one number, metres per second, between -2 and 2).
/// </summary>
public sealed class DriveDevice : DeviceActor
{
    private const double Period = 0.1;

    /// <summary>Creates the drive.</summary>
    public DriveDevice()
    {
        Storage["speed"] = 0.5;
        Storage["x"] = 0.0;
        Every(Period, () =>
        {
            var speed = (double)Storage["speed"]!;
            var x = (double)Storage["x"]! + speed * Period;
            Storage["x"] = x;
            Publish("odometry", new Odometry(Math.Round(x, 3), speed));
        });
        OnRequest("speed", () => (double)Storage["speed"]!);
        OnRequest<double, double>("set-speed", speed =>
        {
            if (speed is < -2 or > 2 || double.IsNaN(speed))
            {
                throw new ArgumentOutOfRangeException(nameof(speed), speed, "The drive's speed must be between -2 and 2 m/s.");
            }

            Storage["speed"] = speed;
            Log.Info("speed set to {0} m/s", speed);
            return speed;
        });
    }
}
