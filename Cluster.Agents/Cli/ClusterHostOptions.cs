using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Cluster.Agents.Hosting;

namespace Cluster.Agents.Cli;

/// <summary>What a host program adds to the standard host: its agents, the demo agents, and its own Akka.Hosting setup.</summary>
public sealed class ClusterHostOptions
{
    private readonly List<AgentSpec> _agents = [];
    private readonly List<Action<AkkaConfigurationBuilder>> _akka = [];

    /// <summary>Gets or sets the first sentence of the program's help.</summary>
    /// <value>The default describes a host node.</value>
    public string Description { get; set; } =
        "A host node of the cluster. With no seeds it seeds itself. With --seed (or CLUSTER_SEEDS) it joins that cluster " +
        "and runs the agents its configuration lists.";

    /// <summary>
    /// Gets or sets HOCON listing agents under <c>cluster-host.agents</c> that run in the embedded default (no seeds and
    /// no <c>--config</c>) and whenever <c>--demo</c> is given.
    /// </summary>
    /// <value>The default is none.</value>
    public Config? DemoAgents { get; set; }

    /// <summary>Gets or sets HOCON listing agents under <c>cluster-host.agents</c> that always run, under the program's <c>--config</c>.</summary>
    /// <value>The default is none.</value>
    public Config? Agents { get; set; }

    /// <summary>Gets the agents added in code, which always run.</summary>
    public ImmutableArray<AgentSpec> CodeAgents => [.. _agents];

    /// <summary>Gets the Akka.Hosting additions, applied to the node after its agents.</summary>
    public IReadOnlyList<Action<AkkaConfigurationBuilder>> AkkaSetup => _akka;

    /// <summary>Adds an agent that always runs: an actor (a device) or an RPC agent of type <typeparamref name="TAgent"/>.</summary>
    /// <typeparam name="TAgent">The agent's type: a concrete actor or RPC agent with one public constructor.</typeparam>
    /// <param name="name">Its name, unique on the node.</param>
    /// <param name="settings">The settings object its constructor takes, or null when it takes none.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentException">The name is not a valid actor name.</exception>
    public ClusterHostOptions AddAgent<TAgent>(string name, object? settings = null)
        where TAgent : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!ActorPath.IsValidPathElement(name))
        {
            throw new ArgumentException($"'{name}' is not a valid agent name (letters, digits and -_.*$+:@&=,!~';).", nameof(name));
        }

        if (!typeof(ActorBase).IsAssignableFrom(typeof(TAgent)) && !typeof(Rpc.RpcAgent).IsAssignableFrom(typeof(TAgent)))
        {
            throw new ArgumentException($"{typeof(TAgent).FullName} is neither an actor nor an RPC agent.", nameof(TAgent));
        }

        _agents.Add(new AgentSpec(name, typeof(TAgent), settings));
        return this;
    }

    /// <summary>Adds to the node's Akka.Hosting setup, e.g. actors of the program's own or more HOCON.</summary>
    /// <param name="configure">The addition.</param>
    /// <returns>These options.</returns>
    public ClusterHostOptions ConfigureAkka(Action<AkkaConfigurationBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _akka.Add(configure);
        return this;
    }
}
