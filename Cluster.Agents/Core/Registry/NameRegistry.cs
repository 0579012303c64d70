using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Core.Registry;

/// <summary>
/// The cluster-wide registry of names on this node: registers devices, agents and other addressable
/// things under unique names, and answers "who is X and where" from local memory.
/// </summary>
/// <remarks>
/// <para>
/// Every node with the registry role (<c>cluster-node.registry.role</c>, <c>host</c> by default) runs one
/// registry actor at <c>/system/name-registry</c>. It holds the registrations made on its node, watches
/// their owners (an owner that stops loses its names), tells every change to the registries of the
/// other members with the role, sends them its whole set when they come Up, and drops every registration
/// of a member once that member is removed from the cluster. A member that is only unreachable keeps its
/// registrations: the split brain resolver decides whether it comes back or is downed and removed.
/// </para>
/// <para>
/// <see cref="Lookup"/>, <see cref="TryLookup"/> and <see cref="Entries"/> read an immutable snapshot
/// that the actor swaps after every change: no message, no waiting. A name registered on another node
/// becomes visible here once its announcement arrives (a network hop). Two nodes that register the same
/// name before either sees the other's both succeed; when the announcements cross, every node keeps the
/// registration with the earlier registration time (ties: the lower node address), and the loser's owner
/// receives <see cref="RegistrationRevoked"/>.
/// </para>
/// </remarks>
public sealed class NameRegistry : IExtension
{
    private static readonly Config DefaultConfig = LoadDefaults();

    private readonly ActorSystem _system;
    private readonly IActorRef _actor;
    private RegistryView _view = RegistryView.Empty;

    private NameRegistry(ExtendedActorSystem system)
    {
        _system = system;
        Settings = ReadSettings(system);
        if (system.Provider is IClusterActorRefProvider)
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            if (!string.IsNullOrEmpty(Settings.Role) && !cluster.SelfRoles.Contains(Settings.Role))
            {
                throw new InvalidOperationException(
                    $"The name registry runs only on nodes with the role '{Settings.Role}' ({NameRegistrySettings.Section}.role); " +
                    $"{cluster.SelfAddress} has the roles [{string.Join(", ", cluster.SelfRoles)}].");
            }
        }

        Node = system.Provider.DefaultAddress;
        _actor = system.SystemActorOf(
            RegistryActor.Props(Settings, TimeProvider.System, Node, view => Volatile.Write(ref _view, view)),
            RegistryActor.Name);
    }

    /// <summary>Gets the registry's actor.</summary>
    internal IActorRef Actor => _actor;

    /// <summary>Gets the registry's settings.</summary>
    public NameRegistrySettings Settings { get; }

    /// <summary>Gets the address of this node, as its registrations name it.</summary>
    public Address Node { get; }

    /// <summary>Gets every registration known to this node, cluster-wide, ordered by name (ordinal).</summary>
    public IReadOnlyList<RegistryEntry> Entries => Volatile.Read(ref _view).Entries;

    /// <summary>Gets the registry of <paramref name="system"/>, starting it on first use.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="InvalidOperationException">The node lacks the registry role (e.g. a Lighthouse).</exception>
    public static NameRegistry Get(ActorSystem system) => system.WithExtension<NameRegistry, Provider>();

    /// <summary>Tells whether <paramref name="system"/> runs a registry: it has the registry role, or is not a cluster node.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <returns>True if <see cref="Get"/> would succeed.</returns>
    public static bool IsEnabled(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (system is not ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            return true;
        }

        var role = ReadSettings(system).Role;
        return string.IsNullOrEmpty(role) || Akka.Cluster.Cluster.Get(system).SelfRoles.Contains(role);
    }

    /// <summary>Registers <paramref name="owner"/> under <paramref name="name"/>, cluster-wide.</summary>
    /// <param name="name">The unique name, an opaque string such as <c>drive</c> or <c>/rover/arm/position</c>.</param>
    /// <param name="kind">What the name stands for, e.g. <c>device</c> or <c>agent</c>.</param>
    /// <param name="owner">The actor that answers for the name; it must live on this node.</param>
    /// <param name="cancellationToken">Stops waiting for the registry (the registration may still happen).</param>
    /// <returns>The registration; dispose it to unregister. The name is already visible on this node.</returns>
    /// <exception cref="DuplicateNameException">This node already knows the name; the exception names the holder.</exception>
    /// <exception cref="ArgumentException">The name or kind is empty, or the owner lives on another node.</exception>
    public Task<Registration> RegisterAsync(string name, string kind, IActorRef owner, CancellationToken cancellationToken = default) =>
        RegisterAsync(new RegistryActor.Register(name, kind, owner), cancellationToken);

    /// <summary>Removes this node's registration of <paramref name="name"/>, cluster-wide.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Stops waiting for the registry.</param>
    /// <returns>True if this node held the name; false if it did not (another node's name is never removed).</returns>
    public Task<bool> UnregisterAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _actor.Ask<bool>(new RegistryActor.Unregister(name, null), Settings.AskTimeout, cancellationToken);
    }

    /// <summary>Finds who holds <paramref name="name"/>, from this node's view; never waits.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="UnknownNameException">No node has registered the name; the message lists similar names.</exception>
    public RegistryEntry Lookup(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var view = Volatile.Read(ref _view);
        return view.ByName.TryGetValue(name, out var entry)
            ? entry
            : throw new UnknownNameException(name, _system.Name, NameSuggestions.For(name, view.ByName.Keys));
    }

    /// <summary>Finds who holds <paramref name="name"/>, from this node's view; never waits.</summary>
    /// <param name="name">The name.</param>
    /// <param name="entry">The registration, if there is one.</param>
    /// <returns>True if some node has registered the name.</returns>
    public bool TryLookup(string name, [MaybeNullWhen(false)] out RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Volatile.Read(ref _view).ByName.TryGetValue(name, out entry);
    }

    internal Task<bool> UnregisterAsync(RegistryEntry entry) =>
        _actor.Ask<bool>(new RegistryActor.Unregister(entry.Name, entry), Settings.AskTimeout);

    internal async Task<Registration> RegisterAsync(RegistryActor.Register register, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(register.Name, "name");
        ArgumentException.ThrowIfNullOrWhiteSpace(register.Kind, "kind");
        ArgumentNullException.ThrowIfNull(register.Owner, "owner");
        var result = await _actor.Ask<RegistryActor.RegisterResult>(register, Settings.AskTimeout, cancellationToken).ConfigureAwait(false);
        return result.Entry is { } entry ? new Registration(this, entry) : throw result.Error!;
    }

    private static NameRegistrySettings ReadSettings(ActorSystem system)
    {
        system.Settings.InjectTopLevelFallback(DefaultConfig);
        return NameRegistrySettings.Create(system.Settings.Config);
    }

    private static Config LoadDefaults() => ClusterHocon.LoadResource(typeof(ClusterHocon).Assembly, "Cluster.Agents.Core.Registry.registry.conf");

    private sealed class Provider : ExtensionIdProvider<NameRegistry>
    {
        public override NameRegistry CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
