using System.CommandLine;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Cli;

/// <summary>
/// The command-line options every program and verb shares to say where a node is and which cluster it
/// belongs to: <c>--group</c>, <c>--ip</c>, <c>--port</c> and <c>--seed</c>, each backed by its
/// environment variable (see <see cref="NodeOptions"/>).
/// </summary>
public sealed class NodeCommandLine
{
    /// <summary>Gets the <c>--group</c> option: the cluster's name.</summary>
    public Option<string?> Group { get; } = new("--group")
    {
        Description = $"The cluster's name; nodes of different groups never join. Env: CLUSTER_GROUP. Default: {NodeOptions.DefaultGroup}.",
    };

    /// <summary>Gets the <c>--ip</c> option: the address other computers reach this node by.</summary>
    public Option<string?> Ip { get; } = new("--ip")
    {
        Description = "The address other computers reach this node by; it also listens on it. Env: CLUSTER_IP. Default: 127.0.0.1.",
    };

    /// <summary>Gets the <c>--port</c> option: the port to listen on.</summary>
    public Option<int?> Port { get; } = new("--port")
    {
        Description = "The port to listen on; 0 = any free port. Env: CLUSTER_PORT.",
    };

    /// <summary>Gets the <c>--seed</c> option: a seed node's <c>host:port</c>, repeatable.</summary>
    public Option<string[]> Seeds { get; } = new("--seed")
    {
        Description = "A seed node (a Lighthouse) as host:port; repeat for several. Env: CLUSTER_SEEDS (comma-separated).",
        DefaultValueFactory = _ => [],

        // One seed per --seed, so that `--seed a:1 drive/*` leaves drive/* to the verb's own argument.
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="withAddress">Whether to add <c>--ip</c> and <c>--port</c> (not for verbs, which only connect).</param>
    public void AddTo(Command command, bool withAddress = true)
    {
        command.Add(Group);
        command.Add(Seeds);
        if (withAddress)
        {
            command.Add(Ip);
            command.Add(Port);
        }
    }

    /// <summary>Resolves the node's options from the parsed command line and the environment.</summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="defaultPort">The port when none is given, chosen by whether seeds were given.</param>
    /// <returns>The node's options.</returns>
    /// <exception cref="ClusterConfigurationException">A value is malformed.</exception>
    public NodeOptions Resolve(ParseResult parse, Func<bool, int> defaultPort) =>
        NodeOptions.Resolve(
            parse.GetValue(Group),
            parse.GetValue(Ip),
            parse.GetValue(Port),
            parse.GetValue(Seeds) ?? [],
            defaultPort);
}
