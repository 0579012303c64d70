namespace Cluster.Agents.Demo;

/// <summary>The settings of a <see cref="HeartbeatAgent"/>.</summary>
public sealed record HeartbeatSettings
{
    /// <summary>Gets how often the agent publishes a heartbeat.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the topic heartbeats are published on; the agent hears every <c>*/heartbeat</c>.</summary>
    /// <value>The default is <c>host/heartbeat</c>.</value>
    public string Topic { get; init; } = "host/heartbeat";
}
