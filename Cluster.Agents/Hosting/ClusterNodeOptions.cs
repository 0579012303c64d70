using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Where a node set up in code lives and which seeds it joins, for
/// <see cref="ClusterNodeHostingExtensions.WithClusterNode(Akka.Hosting.AkkaConfigurationBuilder, Action{ClusterNodeOptions})"/>.
/// The cluster's name is the actor system's, the one given to <c>AddAkka</c>.
/// </summary>
public sealed class ClusterNodeOptions
{
    /// <summary>Gets or sets the address other computers reach this node by; the node also listens on it.</summary>
    /// <value>The default is <c>127.0.0.1</c>.</value>
    public string Ip { get; set; } = "127.0.0.1";

    /// <summary>Gets or sets the port this node listens on; 0 picks any free port.</summary>
    /// <value>The default is 0.</value>
    public int Port { get; set; }

    /// <summary>Gets the seed nodes to join, as <c>host:port</c> (e.g. <c>10.0.0.1:4053</c>); empty means the node seeds itself.</summary>
    public IList<string> Seeds { get; } = [];

    /// <summary>Gets or sets whether the node joins itself when <see cref="Seeds"/> is empty.</summary>
    /// <value>The default is true.</value>
    public bool SeedsItself { get; set; } = true;

    /// <summary>Gets or sets the program's HOCON over the base, which sets the node's roles among other things.</summary>
    /// <value>The default is <see cref="ClusterHocon.Host"/>: a host node that runs agents.</value>
    public Config ProgramConfig { get; set; } = ClusterHocon.Host;

    /// <summary>Checks the options, naming the first wrong one.</summary>
    /// <returns>The seeds, parsed.</returns>
    /// <exception cref="ClusterConfigurationException">An option is wrong; its key is <c>ClusterNodeOptions.</c> and the option's name.</exception>
    internal ImmutableArray<DnsEndPoint> Validate()
    {
        if (string.IsNullOrWhiteSpace(Ip) || Uri.CheckHostName(Ip.Trim()) == UriHostNameType.Unknown)
        {
            throw new ClusterConfigurationException($"{nameof(ClusterNodeOptions)}.{nameof(Ip)}", Ip, "not an IP address or host name.");
        }

        if (Port is < 0 or > 65535)
        {
            throw new ClusterConfigurationException(
                $"{nameof(ClusterNodeOptions)}.{nameof(Port)}", Port.ToString(CultureInfo.InvariantCulture), "not a port number (0-65535).");
        }

        if (ProgramConfig is null)
        {
            throw new ClusterConfigurationException($"{nameof(ClusterNodeOptions)}.{nameof(ProgramConfig)}", null, "missing: use ClusterHocon.Host or a program's own HOCON.");
        }

        return [.. Seeds.Select((seed, i) => NodeOptions.ParseEndpoint(seed ?? string.Empty, $"{nameof(ClusterNodeOptions)}.{nameof(Seeds)}[{i}]"))];
    }
}
