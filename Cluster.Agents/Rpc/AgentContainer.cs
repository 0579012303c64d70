using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using Akka.Cluster;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;

namespace Cluster.Agents.Rpc;

/// <summary>
/// The node's agent container: it spawns agents (<see cref="RpcAgent"/> subclasses), lists them, and connects
/// to agents anywhere in the cluster through typed or dynamic proxies. One per node, started with every host node.
/// </summary>
/// <example>
/// <code>
/// var container = AgentContainer.Get(system);
/// AgentAddress chef = await container.SpawnAsync&lt;Chef&gt;();           // agent://robot@10.0.0.2:4053/1
/// IChef proxy = await container.ConnectAsync&lt;IChef&gt;(chef);          // from any node
/// string greeting = await proxy.GreetAsync("rover");
/// AgentProxy dynamic = await container.ConnectAsync(chef.ToString());
/// string soft = await dynamic.CallAsync&lt;string&gt;("eggs/cook", "soft");
/// </code>
/// </example>
public sealed class AgentContainer : IExtension
{
    /// <summary>The registry kind of agents spawned under a name.</summary>
    public const string RegistryKind = "agent";

    private const string Section = "cluster-node.agents";
    private readonly ConcurrentDictionary<string, Hosted> _agents = new(StringComparer.Ordinal);
    private readonly IActorRef _actor;
    private long _lastId;

    private AgentContainer(ExtendedActorSystem system)
    {
        System = system;
        Node = system.Provider.DefaultAddress;
        Calls = CallClient.Get(system);
        var config = system.Settings.Config;
        CallDeadline = Core.Configuration.ConfigDurations.Get(config, $"{Section}.call-deadline", TimeSpan.FromSeconds(10));
        ConnectTimeout = Core.Configuration.ConfigDurations.Get(config, $"{Section}.connect-timeout", TimeSpan.FromSeconds(5));
        Address = Node.Host is null ? $"{AgentAddress.Scheme}://{Node.System}" : string.Create(CultureInfo.InvariantCulture, $"{AgentAddress.Scheme}://{Node.System}@{Node.Host}:{Node.Port}");
        _actor = system.ActorOf(Props.Create(() => new AgentContainerActor(this)), AgentContainerActor.Name);
        EndpointClient.Get(system).AddResolver(AgentAddress.Scheme, (text, cancellationToken) => ResolveAsync(AgentAddress.Parse(text), cancellationToken));
    }

    /// <summary>Gets the container's actor.</summary>
    internal IActorRef Actor => _actor;

    /// <summary>Gets the node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>Gets the Akka address of this node.</summary>
    public Address Node { get; }

    /// <summary>Gets the container's address, e.g. <c>agent://robot@10.0.0.2:4053</c>: its agents' addresses are this plus <c>/id</c>.</summary>
    public string Address { get; }

    /// <summary>Gets how long a proxy's call may take (wall time), from <c>cluster-node.agents.call-deadline</c>.</summary>
    /// <value>The default is 10 s.</value>
    public TimeSpan CallDeadline { get; }

    /// <summary>Gets how long connecting waits for a remote container's answer, from <c>cluster-node.agents.connect-timeout</c>.</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan ConnectTimeout { get; }

    /// <summary>Gets the agents of this container, ordered by id (numbers first, in numeric order).</summary>
    public IReadOnlyList<AgentInfo> Agents =>
        [.. _agents.Values
            .Select(h => new AgentInfo(h.Agent.Address, h.Agent.GetType().FullName ?? h.Agent.GetType().Name))
            .OrderBy(a => long.TryParse(a.Address.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue)
            .ThenBy(a => a.Address.Id, StringComparer.Ordinal)];

    internal CallClient Calls { get; }

    /// <summary>Gets the container of <paramref name="system"/>, starting it on first use.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <returns>The container.</returns>
    public static AgentContainer Get(ActorSystem system) => system.WithExtension<AgentContainer, Provider>();

    /// <summary>Tells whether <paramref name="system"/> runs a container: the nodes that run the registry (hosts, not the Lighthouse) do.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <returns>True if the node runs a container.</returns>
    public static bool IsEnabled(ActorSystem system) => NameRegistry.IsEnabled(system);

    /// <summary>Creates an agent of type <typeparamref name="TAgent"/> with a new id and starts it.</summary>
    /// <typeparam name="TAgent">The agent's type.</typeparam>
    /// <param name="args">The arguments of its constructor.</param>
    /// <returns>The agent's address.</returns>
    /// <exception cref="ArgumentException">No public constructor takes <paramref name="args"/>.</exception>
    /// <exception cref="InvalidOperationException">The type's exposed members are declared wrongly (e.g. two with one name).</exception>
    public Task<AgentAddress> SpawnAsync<TAgent>(params object?[] args)
        where TAgent : RpcAgent => SpawnAsync(typeof(TAgent), args);

    /// <summary>Creates an agent of type <paramref name="agentType"/> with a new id and starts it.</summary>
    /// <param name="agentType">The agent's type, a concrete subclass of <see cref="RpcAgent"/>.</param>
    /// <param name="args">The arguments of its constructor.</param>
    /// <returns>The agent's address.</returns>
    /// <exception cref="ArgumentException">The type is not an agent type, or no public constructor takes <paramref name="args"/>.</exception>
    /// <exception cref="InvalidOperationException">The type's exposed members are declared wrongly (e.g. two with one name).</exception>
    public async Task<AgentAddress> SpawnAsync(Type agentType, params object?[] args)
    {
        var id = Interlocked.Increment(ref _lastId).ToString(CultureInfo.InvariantCulture);
        var agent = Create(agentType, id, args);
        await StartAsync(agent).ConfigureAwait(false);
        return agent.Address;
    }

    /// <summary>
    /// Creates an agent under the id <paramref name="name"/> and registers that name cluster-wide, so that
    /// <see cref="ConnectAsync(string, CancellationToken)"/> finds it by name from any node.
    /// </summary>
    /// <typeparam name="TAgent">The agent's type.</typeparam>
    /// <param name="name">The agent's id and registered name; not all digits (those are the ids of unnamed agents).</param>
    /// <param name="args">The arguments of its constructor.</param>
    /// <returns>The agent's address, e.g. <c>agent://robot@10.0.0.2:4053/planner</c>.</returns>
    /// <exception cref="DuplicateNameException">The name is already registered; the agent is not started.</exception>
    public Task<AgentAddress> SpawnNamedAsync<TAgent>(string name, params object?[] args)
        where TAgent : RpcAgent => SpawnNamedAsync(name, typeof(TAgent), args);

    /// <summary>Creates an agent of type <paramref name="agentType"/> under the id <paramref name="name"/> and registers that name cluster-wide.</summary>
    /// <param name="name">The agent's id and registered name; not all digits.</param>
    /// <param name="agentType">The agent's type, a concrete subclass of <see cref="RpcAgent"/>.</param>
    /// <param name="args">The arguments of its constructor.</param>
    /// <returns>The agent's address.</returns>
    /// <exception cref="DuplicateNameException">The name is already registered; the agent is not started.</exception>
    public async Task<AgentAddress> SpawnNamedAsync(string name, Type agentType, params object?[] args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (IsNumericId(name))
        {
            throw new ArgumentException($"An agent's name cannot be all digits ('{name}'): those are the ids of unnamed agents.", nameof(name));
        }

        if (NameRegistry.IsEnabled(System) && NameRegistry.Get(System).TryLookup(name, out var holder))
        {
            throw new DuplicateNameException(name, holder);
        }

        var agent = Create(agentType, name, args);
        var started = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartAsync(agent, started).ConfigureAwait(false);

        // The agent registers its name as it starts, like every named actor; a name taken meanwhile fails the spawn.
        await (await started.Task.ConfigureAwait(false)).ConfigureAwait(false);
        return agent.Address;
    }

    /// <summary>Stops an agent of this container: its <see cref="RpcAgent.RunAsync"/> is cancelled and calls to it fail.</summary>
    /// <param name="address">The agent's address.</param>
    /// <returns>A task that completes once the agent has stopped (or at once when there is no such agent).</returns>
    /// <exception cref="ArgumentException">The agent lives in another container.</exception>
    public async Task StopAsync(AgentAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.NodeOver(Node.Protocol).Equals(Node))
        {
            throw new ArgumentException($"{address} lives in container {address.Container}, not in {Address}: stop it there.", nameof(address));
        }

        if (!_agents.TryGetValue(address.Id, out var hosted))
        {
            return;
        }

        await hosted.Host.GracefulStop(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>Connects to the agent at <paramref name="address"/> and returns a typed proxy whose methods are calls to it.</summary>
    /// <typeparam name="T">The contract: an interface whose methods the agent exposes.</typeparam>
    /// <param name="address">The agent's address.</param>
    /// <param name="cancellationToken">Stops waiting for a remote container.</param>
    /// <returns>The proxy.</returns>
    /// <exception cref="AgentNotFoundException">No such agent, container or node; the target container answers at once.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an interface.</exception>
    public async Task<T> ConnectAsync<T>(AgentAddress address, CancellationToken cancellationToken = default)
        where T : class
    {
        TypedAgentProxy.CheckContract(typeof(T));
        var target = await ResolveAsync(address, cancellationToken).ConfigureAwait(false);
        return (T)TypedAgentProxy.Create(typeof(T), new AgentConnection(this, address, target), string.Empty);
    }

    /// <summary>Connects to an agent given by its address string or its registered name, and returns a typed proxy.</summary>
    /// <typeparam name="T">The contract: an interface whose methods the agent exposes.</typeparam>
    /// <param name="addressOrName">An address such as <c>agent://robot@10.0.0.2:4053/7</c>, or the name an agent was spawned under.</param>
    /// <param name="cancellationToken">Stops waiting for a remote container.</param>
    /// <returns>The proxy.</returns>
    /// <exception cref="FormatException">The text starts like an address but is not one.</exception>
    /// <exception cref="UnknownNameException">No agent is registered under the name.</exception>
    /// <exception cref="AgentNotFoundException">No such agent, container or node.</exception>
    public async Task<T> ConnectAsync<T>(string addressOrName, CancellationToken cancellationToken = default)
        where T : class
    {
        TypedAgentProxy.CheckContract(typeof(T));
        var connection = await LocateAsync(addressOrName, cancellationToken).ConfigureAwait(false);
        return (T)TypedAgentProxy.Create(typeof(T), connection, string.Empty);
    }

    /// <summary>Connects to the agent at <paramref name="address"/> and returns a dynamic proxy that calls members by path.</summary>
    /// <param name="address">The agent's address.</param>
    /// <param name="cancellationToken">Stops waiting for a remote container.</param>
    /// <returns>The proxy.</returns>
    /// <exception cref="AgentNotFoundException">No such agent, container or node.</exception>
    public async Task<AgentProxy> ConnectAsync(AgentAddress address, CancellationToken cancellationToken = default)
    {
        var target = await ResolveAsync(address, cancellationToken).ConfigureAwait(false);
        return new AgentProxy(new AgentConnection(this, address, target));
    }

    /// <summary>Connects to an agent given by its address string or registered name, and returns a dynamic proxy.</summary>
    /// <param name="addressOrName">An address such as <c>agent://robot@10.0.0.2:4053/7</c>, or the name an agent was spawned under.</param>
    /// <param name="cancellationToken">Stops waiting for a remote container.</param>
    /// <returns>The proxy.</returns>
    /// <exception cref="FormatException">The text starts like an address but is not one.</exception>
    /// <exception cref="UnknownNameException">No agent is registered under the name.</exception>
    /// <exception cref="AgentNotFoundException">No such agent, container or node.</exception>
    public async Task<AgentProxy> ConnectAsync(string addressOrName, CancellationToken cancellationToken = default) =>
        new(await LocateAsync(addressOrName, cancellationToken).ConfigureAwait(false));

    /// <summary>Returns a typed proxy to <paramref name="address"/> without connecting: the agent is looked up at the first call, which fails if it does not exist.</summary>
    /// <typeparam name="T">The contract interface.</typeparam>
    /// <param name="address">The agent's address.</param>
    /// <returns>The proxy.</returns>
    public T Proxy<T>(AgentAddress address)
        where T : class => (T)Materialise(typeof(T), address);

    /// <summary>Returns a dynamic proxy to <paramref name="address"/> without connecting: the agent is looked up at the first call.</summary>
    /// <param name="address">The agent's address.</param>
    /// <returns>The proxy.</returns>
    public AgentProxy Proxy(AgentAddress address) => new(new AgentConnection(this, address, null));

    internal object Materialise(Type type, AgentAddress address) =>
        type == typeof(AgentProxy) || type == typeof(IAgentReference)
            ? Proxy(address)
            : TypedAgentProxy.Create(type, new AgentConnection(this, address, null), string.Empty);

    /// <summary>Tells whether <paramref name="id"/> is the id of an unnamed agent (all digits), which is not registered.</summary>
    internal static bool IsNumericId(string id) => id.Length > 0 && id.All(char.IsAsciiDigit);

    internal RpcAgent Hosting(string id) =>
        _agents.TryGetValue(id, out var hosted) ? hosted.Agent : throw new InvalidOperationException($"No agent '{id}' is being spawned in container {Address}.");

    internal void Remember(RpcAgent agent, IActorRef host) => _agents[agent.Address.Id] = new Hosted(agent, host);

    internal void Forget(string id, IActorRef host)
    {
        if (_agents.TryGetValue(id, out var hosted) && hosted.Host.Equals(host))
        {
            _agents.TryRemove(id, out _);
        }
    }

    internal async Task<IActorRef> ResolveAsync(AgentAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!string.Equals(address.Group, Node.System, StringComparison.Ordinal))
        {
            throw new AgentNotFoundException(address, $"Agent '{address.Id}' cannot be reached: {address} belongs to cluster '{address.Group}', and this node is in cluster '{Node.System}'.");
        }

        var node = address.NodeOver(Node.Protocol);
        if (node.Equals(Node))
        {
            return _agents.TryGetValue(address.Id, out var hosted) ? hosted.Host : throw DoesNotExist(address);
        }

        if (System is ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            var members = Akka.Cluster.Cluster.Get(System).State.Members;
            if (!members.Any(m => m.Address.Equals(node) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining or MemberStatus.Leaving))
            {
                throw new AgentNotFoundException(
                    address,
                    $"Agent '{address.Id}' cannot be reached: no node {node} is a member of cluster '{Node.System}' (members: {string.Join(", ", members.Select(m => m.Address))}).");
            }
        }

        ActorIdentity identity;
        try
        {
            // The target node answers for its own tree: an agent that does not exist is reported at once, not by a timeout.
            var path = new RootActorPath(node) / "user" / AgentContainerActor.Name / address.Id;
            identity = await System.ActorSelection(path).Ask<ActorIdentity>(new Identify(address.Id), ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException(
                $"No answer from container {address.Container} within {ConnectTimeout.TotalSeconds:0.#} s while connecting to agent '{address.Id}'.", e);
        }

        return identity.Subject ?? throw DoesNotExist(address);
    }

    private static AgentNotFoundException DoesNotExist(AgentAddress address) =>
        new(address, $"Agent '{address.Id}' does not exist in container {address.Container}");

    private static RpcAgent Construct(Type agentType, object?[] args)
    {
        try
        {
            return (RpcAgent)(args.Length == 0 ? Activator.CreateInstance(agentType)! : Activator.CreateInstance(agentType, args)!);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        catch (MissingMethodException e)
        {
            throw new ArgumentException(
                $"No public constructor of {agentType.FullName} takes ({string.Join(", ", args.Select(a => a?.GetType().Name ?? "null"))}).", nameof(args), e);
        }
    }

    private RpcAgent Create(Type agentType, string id, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(agentType);
        if (!typeof(RpcAgent).IsAssignableFrom(agentType) || agentType.IsAbstract)
        {
            throw new ArgumentException($"{agentType.FullName} is not an agent type: an agent is a concrete subclass of {typeof(RpcAgent).FullName}.", nameof(agentType));
        }

        ExposedType.Of(agentType);
        var address = AgentAddress.For(Node, id);
        var agent = Construct(agentType, args ?? []);
        agent.Attach(address, this);
        return agent;
    }

    private Task<IActorRef> StartAsync(RpcAgent agent, TaskCompletionSource<Task>? started = null)
    {
        var done = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        _actor.Tell(new AgentContainerActor.Spawn(agent, done, started));
        return done.Task;
    }

    private async Task<AgentConnection> LocateAsync(string addressOrName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(addressOrName);
        if (addressOrName.StartsWith(AgentAddress.Scheme + "://", StringComparison.Ordinal))
        {
            var address = AgentAddress.Parse(addressOrName);
            return new AgentConnection(this, address, await ResolveAsync(address, cancellationToken).ConfigureAwait(false));
        }

        var entry = NameRegistry.Get(System).Lookup(addressOrName);
        if (!string.Equals(entry.Kind, RegistryKind, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{addressOrName}' is registered as a {entry.Kind} on {entry.Node}, not as an agent.", nameof(addressOrName));
        }

        return new AgentConnection(this, AgentAddress.For(entry.Node, entry.Owner.Path.Name), entry.Owner);
    }

    private sealed record Hosted(RpcAgent Agent, IActorRef Host);

    private sealed class Provider : ExtensionIdProvider<AgentContainer>
    {
        public override AgentContainer CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
