using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting.AgentAssemblies;
using Cluster.Agents.Rpc;
using Microsoft.Extensions.Configuration;

namespace Cluster.Agents.Hosting;

/// <summary>Akka.Hosting extensions that add agents to a cluster node, in code or from configuration.</summary>
public static class AgentHostingExtensions
{
    /// <summary>Starts a device (or any actor) named <paramref name="name"/> when the node starts, and waits until it runs.</summary>
    /// <typeparam name="TDevice">The actor type, with one public constructor taking nothing or <paramref name="settings"/>.</typeparam>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="name">The device's name, unique in the cluster.</param>
    /// <param name="settings">The settings object its constructor takes, or null when it takes none.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithDevice<TDevice>(this AkkaConfigurationBuilder builder, string name, object? settings = null)
        where TDevice : ActorBase =>
        builder.WithAgents([new AgentSpec(CheckName(name), typeof(TDevice), settings)]);

    /// <summary>Spawns an RPC agent named <paramref name="name"/> into the node's container when the node starts.</summary>
    /// <typeparam name="TAgent">The agent type.</typeparam>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="name">The agent's name, unique in the cluster; its address ends with <c>/name</c>.</param>
    /// <param name="args">The arguments of its constructor.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid actor name.</exception>
    public static AkkaConfigurationBuilder WithRpcAgent<TAgent>(this AkkaConfigurationBuilder builder, string name, params object?[] args)
        where TAgent : RpcAgent
    {
        CheckName(name);
        ClusterNodeHostingExtensions.RegisterForSerialization(typeof(TAgent), null);
        return builder.WithActors(new ActorStarter(async (system, _) =>
            await AgentContainer.Get(system).SpawnNamedAsync(name, typeof(TAgent), args).ConfigureAwait(false)));
    }

    /// <summary>
    /// Starts the agents listed under <c>cluster-host.agents</c> in <paramref name="config"/> (and in
    /// <paramref name="configuration"/> over it), read and checked now, so a mistake fails before anything starts.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="config">The HOCON listing the agents.</param>
    /// <param name="configuration">The program's other configuration (appsettings.json, environment), or null.</param>
    /// <param name="folders">Agent folders loaded before, or null when the types are the program's own.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ClusterConfigurationException">An entry is wrong; the message names its key and value.</exception>
    public static AkkaConfigurationBuilder WithAgentsFromConfiguration(
        this AkkaConfigurationBuilder builder,
        Config config,
        IConfiguration? configuration = null,
        AgentAssemblyFolders? folders = null) =>
        builder.WithAgents(AgentConfiguration.Read(config, configuration, folders));

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return ActorPath.IsValidPathElement(name)
            ? name
            : throw new ArgumentException($"'{name}' is not a valid agent name (letters, digits and -_.*$+:@&=,!~';).", nameof(name));
    }
}
