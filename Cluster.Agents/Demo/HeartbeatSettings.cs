namespace Cluster.Agents.Demo;

/// <summary>The settings of a <see cref="HeartbeatAgent"/>.</summary>
public sealed record HeartbeatSettings
{
    /// <summary>Gets how often the agent publishes a heartbeat.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the DistributedPubSub topic heartbeats are published and heard on.</summary>
    /// <value>The default is <c>heartbeat</c>.</value>
    public string Topic { get; init; } = "heartbeat";
}
