using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// The node's clock, an ActorSystem extension: every agent on a node tells time and schedules work through it.
/// </summary>
/// <remarks>
/// <para>
/// <c>cluster-node.clock.mode</c> chooses the clock: <c>real</c> (the default) for a <see cref="RealTimeClock"/>;
/// <c>external</c> for an <see cref="ExternalClock"/> whose UTC start is the ActorSystem's start time and whose
/// time starts at 0, advanced by code through <see cref="External"/>; <c>follow</c> for the same kind of
/// <see cref="ExternalClock"/>, advanced from the cluster's <c>ClockSource</c> over the topic bus by the
/// node's <c>ClusterClock</c> service.
/// </para>
/// <para>
/// This clock is a separate service: the ActorSystem's scheduler, and with it remoting, heartbeats and failure
/// detection, stays on wall time whatever the mode.
/// </para>
/// </remarks>
public sealed class NodeClock : IExtension
{
    /// <summary>The HOCON key that chooses the clock.</summary>
    public const string ModeKey = "cluster-node.clock.mode";

    private const string DefaultsResource = "Cluster.Agents.Core.Clocks.clock.conf";

    private readonly ExternalClock? _external;

    /// <summary>Creates the node's clock from the system's configuration; Akka does this once per system.</summary>
    /// <param name="system">The actor system.</param>
    /// <exception cref="ClusterConfigurationException"><c>cluster-node.clock.mode</c> is not a known mode.</exception>
    public NodeClock(ExtendedActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        system.Settings.InjectTopLevelFallback(DefaultConfig);
        Mode = ModeOf(system.Settings.Config);
        if (Mode == NodeClockMode.Real)
        {
            Clock = new RealTimeClock(system);
        }
        else
        {
            _external = new ExternalClock(DateTimeOffset.UnixEpoch + system.StartTime);
            Clock = _external;
        }
    }

    /// <summary>Gets the clock defaults shipped with this assembly (<c>clock.conf</c>).</summary>
    public static Config DefaultConfig { get; } = LoadDefaults();

    /// <summary>Gets how the node's clock runs.</summary>
    public NodeClockMode Mode { get; }

    /// <summary>Gets the node's clock.</summary>
    public Clock Clock { get; }

    /// <summary>Gets the node's simulated clock, to advance it with <see cref="ExternalClock.SetTime(double)"/>.</summary>
    /// <exception cref="InvalidOperationException">The node's clock is real time, not external or follow.</exception>
    public ExternalClock External => _external ?? throw new InvalidOperationException(
        $"The node's clock runs on real time ({ModeKey} = real), so it cannot be advanced by code; " +
        $"set {ModeKey} = external to get a clock advanced with External.SetTime.");

    /// <summary>Gets the clock extension of an actor system, creating it on first use.</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>The node's clock extension.</returns>
    /// <exception cref="ClusterConfigurationException"><c>cluster-node.clock.mode</c> is not a known mode.</exception>
    public static NodeClock Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<NodeClock, NodeClockProvider>();
    }

    /// <summary>Reads the clock mode a node with <paramref name="config"/> runs in.</summary>
    /// <param name="config">The node's configuration.</param>
    /// <returns>The mode; <see cref="NodeClockMode.Real"/> when it is not set.</returns>
    /// <exception cref="ClusterConfigurationException">The mode is not one of real, external and follow.</exception>
    internal static NodeClockMode ModeOf(Config config) => ParseMode(config.GetString(ModeKey, "real"));

    private static NodeClockMode ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "real" => NodeClockMode.Real,
        "external" => NodeClockMode.External,
        "follow" => NodeClockMode.Follow,
        _ => throw new ClusterConfigurationException(ModeKey, value, "unknown clock mode; the valid modes are real, external and follow."),
    };

    private static Config LoadDefaults() => ClusterHocon.LoadResource(typeof(ClusterHocon).Assembly, DefaultsResource);
}
