using Akka.Actor;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Devices;

namespace Cluster.Tests.Devices;

/// <summary>A device that exercises every kind of handler and reports to a probe.</summary>
public sealed class ProbedDevice : DeviceActor
{
    public ProbedDevice(IActorRef probe)
    {
        Storage["speed"] = 0.0;
        OnRequest("speed", () => (double)Storage["speed"]!);
        OnRequest<double, double>("set-speed", speed =>
        {
            Storage["speed"] = speed;
            return speed;
        });
        OnRequest<string, int, string>("repeat", (text, times) => string.Concat(Enumerable.Repeat(text, times)));
        OnRequest("fail", _ => throw new InvalidOperationException("motor fault"));
        OnRequest("ask-other", async args => (object?)await Request<double>((string)args[0]!, "speed"));
        OnSend("stop", (sender, data) => probe.Tell(new Heard("stop", sender, data)));
        OnSend("publish", (_, data) => Publish("odometry", data!));
        OnSend("send-to", (_, data) => Send((string)data!, "stop", "from a device"));
        On("*/command", (topic, data) => probe.Tell(new Heard("sync", topic, data)));
        On("async/*", async (topic, data) =>
        {
            await Task.Yield();
            probe.Tell(new Heard("async", topic, data));
        });
        On<int>("typed/*", (topic, number) => probe.Tell(new Heard("typed", topic, number)));
    }

    public sealed record Heard(string Kind, string Topic, object? Data);
}

/// <summary>A device with periodic work and a task, counting on the node's clock.</summary>
public sealed class TickingDevice : DeviceActor
{
    public TickingDevice(IActorRef probe, string period, int failOnRun)
    {
        Storage["runs"] = 0;
        Every(period, () =>
        {
            var runs = (int)Storage["runs"]! + 1;
            Storage["runs"] = runs;
            if (runs == failOnRun)
            {
                throw new InvalidOperationException("tick failed");
            }
        });
        OnRequest("runs", () => (int)Storage["runs"]!);
        var registry = NameRegistry.Get(Context.System);
        AddTask(async cancellationToken =>
        {
            // A task declared in the constructor runs only once the device is registered. Tasks run off the
            // actor's thread, so they use what the constructor captured, never Context.
            probe.Tell(registry.TryLookup(Name, out _) ? "task started after registration" : "task started too early");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                probe.Tell("task cancelled");
            }
        });
    }
}
