using Cluster.Agents.Devices;

namespace MyRobot;

/// <summary>A device: publishes its reach on <c>arm/reach</c> and answers <c>reach</c> and <c>extend</c> requests.</summary>
public sealed class ArmDevice : DeviceActor
{
    /// <summary>Creates the arm.</summary>
    /// <param name="settings">Its settings.</param>
    public ArmDevice(ArmSettings settings)
    {
        Storage["reach"] = 0.0;
        Every(settings.Period, () => Publish("reach", (double)Storage["reach"]!));
        OnRequest("reach", () => (double)Storage["reach"]!);
        OnRequest<double, double>("extend", reach =>
        {
            if (reach < 0 || reach > settings.MaxReach || double.IsNaN(reach))
            {
                throw new ArgumentOutOfRangeException(nameof(reach), reach, $"The arm reaches from 0 to {settings.MaxReach} m.");
            }

            Storage["reach"] = reach;
            return reach;
        });
    }
}
