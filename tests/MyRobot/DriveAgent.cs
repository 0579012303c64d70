using Cluster.Agents.Devices;
using Polly;

namespace MyRobot;

/// <summary>A device of a team's own project: publishes its speed and answers with its settings.</summary>
public sealed class DriveAgent : DeviceActor
{
    public DriveAgent(DriveSettings settings)
    {
        // Polly comes from this project's folder, not from the host: the request goes through one of its pipelines.
        var pipeline = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromSeconds(1)).Build();
        Storage["speed"] = 0.0;
        Every(settings.Period, () => Publish("speed", (double)Storage["speed"]!));
        OnRequest("max-speed", () => pipeline.Execute(() => settings.MaxSpeed));
        OnRequest("port", () => settings.Port);
        OnRequest<double, double>("set-speed", speed => (double)(Storage["speed"] = Math.Clamp(speed, -settings.MaxSpeed, settings.MaxSpeed))!);
    }
}
