using System.Globalization;
using Akka.Configuration;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Core.ClusterTime;

/// <summary>The settings of a <see cref="ClockSource"/>, bound from its agent entry in <c>cluster-host.agents</c>.</summary>
public sealed record ClockSourceSettings : IValidatedSettings
{
    /// <summary>Gets the mode the source starts in: <c>step</c>, <c>run</c> or <c>pause</c>.</summary>
    /// <value>The default is <see cref="ClockSourceMode.Step"/>.</value>
    public ClockSourceMode Mode { get; init; } = ClockSourceMode.Step;

    /// <summary>
    /// Gets the rate of a run started by configuration, in simulated seconds per wall second (10 for ten times
    /// real time); 0 runs as fast as the followers allow.
    /// </summary>
    /// <value>The default is 0.</value>
    public double Rate { get; init; }

    /// <summary>Gets how far each tick of a run advances the time; timers on different nodes keep their order to within it.</summary>
    /// <value>The default is 10 ms.</value>
    public TimeSpan Increment { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Gets how many ticks the source may publish beyond the last one every follower has applied: tick n is
    /// published only once every follower has applied tick n - <c>MaxTicksAhead</c>. With 1, the followers run in
    /// lockstep.
    /// </summary>
    /// <value>The default is 1.</value>
    public int MaxTicksAhead { get; init; } = 1;

    /// <summary>Gets how long a follower may lag behind before the source sends it the current tick directly.</summary>
    /// <value>The default is 200 ms (wall time).</value>
    public TimeSpan ResendInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets how long a follower may go without acknowledging a tick before the source stops waiting for it.</summary>
    /// <value>The default is 5 s (wall time).</value>
    public TimeSpan FollowerTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every value, and that the node runs its clock in follow mode, as a clock source's node must.</summary>
    /// <param name="keyPrefix">The HOCON path of the settings block.</param>
    /// <param name="nodeConfig">The node's configuration.</param>
    /// <exception cref="ClusterConfigurationException">A value is out of range, or the node's clock does not follow.</exception>
    public void Validate(string keyPrefix, Config nodeConfig)
    {
        ArgumentNullException.ThrowIfNull(nodeConfig);
        if (Increment <= TimeSpan.Zero)
        {
            throw new ClusterConfigurationException($"{keyPrefix}.increment", Format(Increment), "must be positive.");
        }

        if (!double.IsFinite(Rate) || Rate < 0)
        {
            throw new ClusterConfigurationException($"{keyPrefix}.rate", Format(Rate), "must be 0 (as fast as possible) or a positive number of simulated seconds per wall second.");
        }

        if (MaxTicksAhead < 1)
        {
            throw new ClusterConfigurationException($"{keyPrefix}.max-ticks-ahead", Format(MaxTicksAhead), "must be at least 1.");
        }

        if (ResendInterval <= TimeSpan.Zero)
        {
            throw new ClusterConfigurationException($"{keyPrefix}.resend-interval", Format(ResendInterval), "must be positive.");
        }

        if (FollowerTimeout <= ResendInterval)
        {
            throw new ClusterConfigurationException($"{keyPrefix}.follower-timeout", Format(FollowerTimeout), "must be longer than resend-interval.");
        }

        var nodeMode = NodeClock.ModeOf(nodeConfig);
        if (nodeMode != NodeClockMode.Follow)
        {
            throw new ClusterConfigurationException(
                NodeClock.ModeKey,
                nodeMode.ToString().ToLowerInvariant(),
                "the node that runs the clock source must follow it: set cluster-node.clock.mode = follow there.");
        }
    }

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Format(TimeSpan value) => Format(value.TotalSeconds) + " s";
}
