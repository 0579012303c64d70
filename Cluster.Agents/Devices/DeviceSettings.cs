using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Devices;

/// <summary>The settings of devices, from <c>cluster-node.devices</c>.</summary>
public sealed record DeviceSettings
{
    /// <summary>Gets the deadline of a request when none is given (wall time).</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets how often a device publishes its heartbeat; zero turns heartbeats off.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the defaults shipped with this assembly.</summary>
    public static Config DefaultConfig { get; } = Load();

    /// <summary>Reads the settings of <paramref name="system"/>, injecting the defaults first.</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ClusterConfigurationException">A value is negative or zero where it must be positive.</exception>
    public static DeviceSettings Get(ActorSystem system)
    {
        system.Settings.InjectTopLevelFallback(DefaultConfig);
        var config = system.Settings.Config;
        var requestTimeout = ConfigDurations.Get(config, "cluster-node.devices.request-timeout");
        var heartbeat = ConfigDurations.Get(config, "cluster-node.devices.heartbeat-interval");
        if (requestTimeout <= TimeSpan.Zero)
        {
            throw new ClusterConfigurationException("cluster-node.devices.request-timeout", requestTimeout.ToString(), "must be a positive duration.");
        }

        if (heartbeat < TimeSpan.Zero)
        {
            throw new ClusterConfigurationException("cluster-node.devices.heartbeat-interval", heartbeat.ToString(), "must be zero (off) or a positive duration.");
        }

        return new DeviceSettings { RequestTimeout = requestTimeout, HeartbeatInterval = heartbeat };
    }

    private static Config Load() => ClusterHocon.LoadResource(typeof(DeviceSettings).Assembly, "Cluster.Agents.Devices.devices.conf");
}
