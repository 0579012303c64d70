namespace Cluster.Agents.Core.Clocks;

/// <summary>How a node's clock runs: the value of <c>cluster-node.clock.mode</c>.</summary>
public enum NodeClockMode
{
    /// <summary>Wall time: a <see cref="RealTimeClock"/> (<c>real</c>, the default).</summary>
    Real,

    /// <summary>Simulated time advanced by code on this node: an <see cref="ExternalClock"/> (<c>external</c>).</summary>
    External,

    /// <summary>
    /// Simulated time that follows another node's clock: an <see cref="ExternalClock"/> advanced by a cluster clock
    /// source over the topic bus (<c>follow</c>).
    /// </summary>
    Follow,
}
