using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;

namespace Cluster.Bench.Support;

/// <summary>The HOCON of the benchmark's actor systems: the programs' own settings with only warnings logged.</summary>
public static class BenchConfig
{
    /// <summary>The name of every benchmark actor system; cluster nodes must share it to join.</summary>
    public const string SystemName = "bench";

    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    /// <summary>Gets the settings of a single local actor system: no remoting, no cluster.</summary>
    public static Config Local { get; } = ConfigurationFactory.ParseString("akka.actor.provider = local")
        .WithFallback(Node(ClusterHocon.Base));

    /// <summary>The settings of a cluster node: <paramref name="program"/> with only warnings logged.</summary>
    /// <param name="program">The program's HOCON, e.g. <see cref="ClusterHocon.Host"/>.</param>
    /// <returns>The node's settings.</returns>
    public static Config Node(Config program) => Quiet.WithFallback(program);
}
