using Akka.Configuration;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Host.Demo;

/// <summary>The demo robot of the embedded default: the agents <c>demo.conf</c> lists.</summary>
public static class DemoAgents
{
    /// <summary>Gets the configuration that lists the demo agents, for a host started with no seeds or with <c>--demo</c>.</summary>
    public static Config Config { get; } = ClusterHocon.LoadResource(typeof(DemoAgents).Assembly, "demo.conf");
}
