using Cluster.Agents.Core.Clocks;

namespace Cluster.Agents.Core.ClusterTime;

/// <summary>How a <see cref="ClockSource"/> advances the cluster's time.</summary>
public enum ClockSourceMode
{
    /// <summary>Time advances only on command, by the amount each step gives.</summary>
    Step,

    /// <summary>Time advances by itself, in increments, as fast as the followers allow or at a given rate.</summary>
    Run,

    /// <summary>Time stands still.</summary>
    Pause,
}
