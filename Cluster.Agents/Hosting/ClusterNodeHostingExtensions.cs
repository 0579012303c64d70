using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.ClusterTime;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Core.Security;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Operator;
using Cluster.Agents.Rpc;
using Cluster.Contracts.Serialization;

namespace Cluster.Agents.Hosting;

/// <summary>Akka.Hosting extensions that make an actor system a node of the cluster.</summary>
public static class ClusterNodeHostingExtensions
{
    /// <summary>
    /// Configures the actor system as a cluster node: the HOCON of <c>hocon/</c>, the address and seeds of
    /// <paramref name="node"/>, Akka's logs sent to the host's Microsoft.Extensions.Logging (one category per class that
    /// logged, see <see cref="CategoryLoggerFactoryLogger"/>), the operator endpoint, and,
    /// on nodes with the registry role, the <see cref="NameRegistry"/>. The services' actors go in Akka.Hosting's
    /// <see cref="ActorRegistry"/>, so <see cref="IRequiredActor{TKey}"/> finds them: <see cref="OperatorEndpoint"/> on every
    /// node; <see cref="NameRegistry"/>, <see cref="AgentContainer"/>, <see cref="TopicBus"/> and <see cref="ClusterClock"/>
    /// (whose actor takes the clock commands) on host nodes.
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
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(programConfig);
        return builder.WithNode(node.Ip, node.Port, [.. node.SeedAddresses.Select(address => address.ToString())], programConfig, seedsItself && node.Seeds.IsEmpty, []);
    }

    /// <summary>
    /// Configures the actor system as a cluster node set up in code, as <see cref="WithClusterNode(AkkaConfigurationBuilder, NodeOptions, Config, bool)"/>
    /// does; the cluster's name is the actor system's. The options are checked when the node starts.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="configure">Sets the node's options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ClusterConfigurationException">An option is wrong; the message names it, e.g. <c>ClusterNodeOptions.Port</c>.</exception>
    /// <example>
    /// <code>
    /// services.AddAkka("robot", akka => akka
    ///     .WithClusterNode(node =&gt; { node.Port = 4053; node.Seeds.Add("10.0.0.1:4053"); })
    ///     .WithDevice&lt;DriveDevice&gt;("drive"));
    /// </code>
    /// </example>
    public static AkkaConfigurationBuilder WithClusterNode(this AkkaConfigurationBuilder builder, Action<ClusterNodeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ClusterNodeOptions();
        configure(options);
        var seeds = options.Validate();
        return builder.WithNode(options.Ip.Trim(), options.Port, [], options.ProgramConfig, options.SeedsItself && seeds.IsEmpty, seeds);
    }

    /// <summary>
    /// Sets the topic bus's settings in code, over the node's HOCON and the embedded defaults, and starts the bus with
    /// the node. The options are checked when the node starts.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="configure">Sets the options to change; the others keep their configured values.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ClusterConfigurationException">An option is wrong; the message names it, e.g. <c>TopicBusOptions.ProbeInterval</c>.</exception>
    public static AkkaConfigurationBuilder WithTopicBus(this AkkaConfigurationBuilder builder, Action<TopicBusOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new TopicBusOptions();
        configure(options);
        return builder
            .AddHocon(options.ToConfig(), HoconAddMode.Prepend)
            .WithActors((system, registry) => registry.TryRegister<TopicBus>(TopicBus.Get(system).Actor));
    }

    /// <summary>
    /// Sets how the node's clock runs (<c>cluster-node.clock.mode</c>) in code, over the node's HOCON, and starts the clock
    /// with the node.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="mode">Real time, external (advanced by code through <see cref="NodeClock.External"/>) or follow (the cluster's clock source).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a <see cref="NodeClockMode"/>.</exception>
    public static AkkaConfigurationBuilder WithNodeClock(this AkkaConfigurationBuilder builder, NodeClockMode mode)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var value = mode switch
        {
            NodeClockMode.Real => "real",
            NodeClockMode.External => "external",
            NodeClockMode.Follow => "follow",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "The clock mode must be Real, External or Follow."),
        };
        return builder
            .AddHocon($"{NodeClock.ModeKey} = {value}", HoconAddMode.Prepend)
            .WithActors((system, _) => NodeClock.Get(system));
    }

    private static AkkaConfigurationBuilder WithNode(
        this AkkaConfigurationBuilder builder,
        string ip,
        int port,
        string[] seedNodes,
        Config programConfig,
        bool joinsItself,
        ImmutableArray<DnsEndPoint> seedsJoinedAtStart)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var roles = programConfig.GetStringList("akka.cluster.roles")?.ToArray() ?? [];
        var profile = FailureProfile(programConfig);
        if (profile is not null)
        {
            builder.AddHocon(profile, HoconAddMode.Prepend);
        }

        var tls = ClusterTlsSettings.Create(programConfig);
        // Over TLS, remoting's addresses carry another protocol; seeds given as host:port follow the node's.
        var protocol = tls.Enabled ? "akka.ssl.tcp" : "akka.tcp";
        seedNodes = [.. seedNodes.Select(seed => seed.StartsWith("akka.tcp://", StringComparison.Ordinal) ? protocol + seed["akka.tcp".Length..] : seed)];
        builder
            .AddHocon(programConfig, HoconAddMode.Append)
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<CategoryLoggerFactoryLogger>();
            })
            .WithRemoting(RemotingFor(ip, port, tls))
            .WithClustering(new ClusterOptions { Roles = roles, SeedNodes = seedNodes })
            .WithActors((system, registry) =>
            {
                var operatorEndpoint = system.ActorOf(OperatorEndpoint.Props(TimeProvider.System), OperatorEndpoint.Name);
                registry.TryRegister<OperatorEndpoint>(operatorEndpoint);
                StartOperatorSocket(system, operatorEndpoint);

                // Started with the node, not on first use: peers send it their registrations as soon as this node is Up.
                if (NameRegistry.IsEnabled(system))
                {
                    registry.TryRegister<NameRegistry>(NameRegistry.Get(system).Actor);
                    registry.TryRegister<AgentContainer>(AgentContainer.Get(system).Actor);
                    registry.TryRegister<TopicBus>(TopicBus.Get(system).Actor);
                    registry.TryRegister<ClusterClock>(ClusterClock.Get(system).Actor);
                }

                var cluster = Akka.Cluster.Cluster.Get(system);
                if (!seedsJoinedAtStart.IsEmpty)
                {
                    // Seeds given in code become addresses only here, where the actor system's name is known.
                    cluster.JoinSeedNodes([.. seedsJoinedAtStart.Select(seed => new Address(protocol, system.Name, seed.Host, seed.Port))]);
                }
                else if (joinsItself)
                {
                    cluster.Join(cluster.SelfAddress);
                }
            });
        return builder;
    }

    // The verbs on this computer answer through the socket in a fraction of a second; without it they still work over
    // remoting, so a folder that cannot be written only costs speed.
    private static void StartOperatorSocket(ActorSystem system, IActorRef endpoint)
    {
        try
        {
            OperatorSocketServer.Start(system, endpoint);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            system.Log.Warning("The local operator socket could not start in {0} ({1}); the verbs on this computer use remoting.", OperatorSocket.Folder, e.Message);
        }
    }

    /// <summary>
    /// The failure-detection profile the node runs (<c>CLUSTER_PROFILE</c>, else <c>cluster-node.profile</c>): null for
    /// "default", else its block under <c>cluster-node.profiles</c>, laid over the node's akka settings.
    /// </summary>
    /// <param name="programConfig">The node's HOCON.</param>
    /// <param name="environment">Reads an environment variable; defaults to the process environment.</param>
    /// <returns>The profile's settings, or null.</returns>
    /// <exception cref="ClusterConfigurationException">No such profile; the message names the key and the known profiles.</exception>
    public static Config? FailureProfile(Config programConfig, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(programConfig);
        var (key, name) = (environment ?? Environment.GetEnvironmentVariable)(ProfileVariable) is { Length: > 0 } fromEnvironment
            ? (ProfileVariable, fromEnvironment.Trim())
            : (ProfileKey, programConfig.GetString(ProfileKey, "default"));
        if (name == "default")
        {
            return null;
        }

        var profiles = programConfig.GetConfig("cluster-node.profiles");
        var known = profiles?.Root.GetObject().Items.Keys.Order(StringComparer.Ordinal).ToArray() ?? [];
        if (!known.Contains(name, StringComparer.Ordinal))
        {
            throw new ClusterConfigurationException(key, name, $"no such profile; known: default{string.Concat(known.Select(k => ", " + k))} (blocks under cluster-node.profiles).");
        }

        return profiles!.GetConfig(name);
    }

    /// <summary>The HOCON key that names the node's failure-detection profile.</summary>
    public const string ProfileKey = "cluster-node.profile";

    /// <summary>The environment variable that names the node's failure-detection profile, over <see cref="ProfileKey"/>.</summary>
    public const string ProfileVariable = "CLUSTER_PROFILE";

    /// <summary>
    /// Spawns <paramref name="agents"/>: actors under <c>/user</c>, RPC agents into the node's <see cref="AgentContainer"/>, each under
    /// its name. Named actors (devices, agents) are waited for until they run, so a name already held fails start-up with a
    /// <see cref="DuplicateNameException"/> whatever the face.
    /// </summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="agents">The agents, already checked by <see cref="AgentConfiguration.Read"/>.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithAgents(this AkkaConfigurationBuilder builder, ImmutableArray<AgentSpec> agents)
    {
        foreach (var agent in agents)
        {
            RegisterForSerialization(agent.ActorType, agent.Settings);
        }

        return builder.WithActors(new ActorStarter(async (system, _) =>
        {
            // Awaited one by one, so that start-up fails, naming the agent, when one cannot start.
            foreach (var agent in agents)
            {
                await StartAgentAsync(system, agent).ConfigureAwait(false);
            }
        }));
    }

    // Mutual TLS when cluster-node.tls is on: the node's certificate, checked peers both ways against the cluster's authority.
    private static RemoteOptions RemotingFor(string ip, int port, ClusterTlsSettings tls)
    {
        var remoting = new RemoteOptions { HostName = ip, PublicHostName = ip, Port = port };
        if (tls.Enabled)
        {
            remoting.EnableSsl = true;
            remoting.Ssl = new SslOptions
            {
                X509Certificate = tls.LoadCertificate(),
                SuppressValidation = false,
                RequireMutualAuthentication = true,
                ValidateCertificateHostname = false,
                CustomValidator = ClusterTlsSettings.ValidateAgainst(tls.LoadCa()),
            };
        }

        return remoting;
    }

    /// <summary>Lets the types of an agent's assembly (its messages and payloads) arrive from other nodes.</summary>
    /// <param name="agentType">The agent's type.</param>
    /// <param name="settings">Its settings, whose assembly is registered too, or null.</param>
    internal static void RegisterForSerialization(Type agentType, object? settings)
    {
        SerializationAllowList.Register(agentType.Assembly);
        if (settings is not null)
        {
            SerializationAllowList.Register(settings.GetType().Assembly);
        }
    }

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
