using System.Collections.Immutable;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Operator;
using Cluster.Agents.Rpc;

namespace Cluster.Agents.Hosting;

/// <summary>Akka.Hosting extensions that make an actor system a node of the cluster.</summary>
public static class ClusterNodeHostingExtensions
{
    /// <summary>
    /// Configures the actor system as a cluster node: the HOCON of <c>hocon/</c>, the address and seeds of
    /// <paramref name="node"/>, Akka's logs sent to the host's Microsoft.Extensions.Logging (one category per class that
    /// logged, see <see cref="CategoryLoggerFactoryLogger"/>), the operator endpoint, and,
    /// on nodes with the registry role, the <see cref="NameRegistry"/>.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="node">Where the node lives and which seeds it joins.</param>
    /// <param name="programConfig">The program's HOCON (e.g. <see cref="ClusterHocon.Host"/>), over the base.</param>
    /// <param name="seedsItself">Whether the node joins itself when <paramref name="node"/> has no seeds.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithClusterNode(
        this AkkaConfigurationBuilder builder,
        NodeOptions node,
        Config programConfig,
        bool seedsItself = true)
    {
        var roles = programConfig.GetStringList("akka.cluster.roles")?.ToArray() ?? [];
        builder
            .AddHocon(programConfig, HoconAddMode.Append)
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<CategoryLoggerFactoryLogger>();
            })
            .WithRemoting(new RemoteOptions { HostName = node.Ip, PublicHostName = node.Ip, Port = node.Port })
            .WithClustering(new ClusterOptions
            {
                Roles = roles,
                SeedNodes = [.. node.SeedAddresses.Select(address => address.ToString())],
            })
            .WithActors((system, _) =>
            {
                system.ActorOf(OperatorEndpoint.Props(TimeProvider.System), OperatorEndpoint.Name);

                // Started with the node, not on first use: peers send it their registrations as soon as this node is Up.
                if (NameRegistry.IsEnabled(system))
                {
                    NameRegistry.Get(system);
                    AgentContainer.Get(system);
                }

                if (node.Seeds.IsEmpty && seedsItself)
                {
                    var cluster = Akka.Cluster.Cluster.Get(system);
                    cluster.Join(cluster.SelfAddress);
                }
            });
        return builder;
    }

    /// <summary>
    /// Spawns <paramref name="agents"/>: actors under <c>/user</c>, RPC agents into the node's <see cref="AgentContainer"/>, each under
    /// its name. Named actors (devices, agents) are waited for until they run, so a name already held fails start-up with a
    /// <see cref="DuplicateNameException"/> whatever the face.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="agents">The agents, already checked by <see cref="AgentConfiguration.Read"/>.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithAgents(this AkkaConfigurationBuilder builder, ImmutableArray<AgentSpec> agents) =>
        builder.WithActors(new ActorStarter(async (system, _) =>
        {
            // Awaited one by one, so that start-up fails, naming the agent, when one cannot start.
            foreach (var agent in agents)
            {
                await StartAgentAsync(system, agent).ConfigureAwait(false);
            }
        }));

    private static async Task StartAgentAsync(Akka.Actor.ActorSystem system, AgentSpec agent)
    {
        if (agent.IsRpcAgent)
        {
            object?[] args = agent.Settings is null ? [] : [agent.Settings];
            await AgentContainer.Get(system).SpawnNamedAsync(agent.Name, agent.ActorType, args).ConfigureAwait(false);
            return;
        }

        if (typeof(EndpointActor).IsAssignableFrom(agent.ActorType))
        {
            // A named actor (a device) starts like an agent: a name conflict fails start-up the same way.
            await NamedActors.StartAsync(system, agent.Props, agent.Name).ConfigureAwait(false);
            return;
        }

        system.ActorOf(agent.Props, agent.Name);
    }
}
