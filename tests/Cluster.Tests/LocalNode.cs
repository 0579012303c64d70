using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;

namespace Cluster.Tests;

/// <summary>The configuration of a single-node test kit: the base settings, without remoting.</summary>
internal static class LocalNode
{
    public static readonly Config Config =
        ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ClusterHocon.Base);
}
