using System.Collections.Concurrent;
using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Endpoints;

/// <summary>
/// Calls an endpoint of any named actor by a target string, whatever face declared it: a registered name
/// (<c>drive</c>, <c>planner</c>), or an address whose scheme a face resolves (<c>agent://robot@10.0.0.2:4053/7</c>).
/// This is what external surfaces (the operator's <c>call</c> verb) use.
/// </summary>
public sealed class EndpointClient : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<string, Func<string, CancellationToken, Task<IActorRef>>> _resolvers = new(StringComparer.Ordinal);

    private EndpointClient(ExtendedActorSystem system) => _system = system;

    /// <summary>Gets the endpoint client of <paramref name="system"/>.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <returns>The client.</returns>
    public static EndpointClient Get(ActorSystem system) => system.WithExtension<EndpointClient, Provider>();

    /// <summary>Lets targets written <c>scheme://...</c> be resolved by a face (the RPC face resolves <c>agent://</c>).</summary>
    /// <param name="scheme">The scheme, without <c>://</c>.</param>
    /// <param name="resolve">Finds the actor a target string names, or throws an error that names it.</param>
    public void AddResolver(string scheme, Func<string, CancellationToken, Task<IActorRef>> resolve)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        ArgumentNullException.ThrowIfNull(resolve);
        _resolvers[scheme] = resolve;
    }

    /// <summary>Finds the actor <paramref name="target"/> names.</summary>
    /// <param name="target">A registered name, or <c>scheme://...</c>.</param>
    /// <param name="cancellationToken">Stops waiting for a remote lookup.</param>
    /// <returns>The actor.</returns>
    /// <exception cref="UnknownNameException">No actor is registered under the name.</exception>
    /// <exception cref="ArgumentException">The scheme is one no face on this node resolves.</exception>
    public Task<IActorRef> ResolveAsync(string target, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            try
            {
                return Task.FromResult(NameRegistry.Get(_system).Lookup(target).Owner);
            }
            catch (Exception e)
            {
                return Task.FromException<IActorRef>(e);
            }
        }

        return _resolvers.TryGetValue(target[..scheme], out var resolve)
            ? resolve(target, cancellationToken)
            : Task.FromException<IActorRef>(new ArgumentException(
                $"'{target}': no face on {_system.Provider.DefaultAddress} resolves '{target[..scheme]}://' targets; give a registered name{(_resolvers.IsEmpty ? string.Empty : " or one of " + string.Join(", ", _resolvers.Keys.Order(StringComparer.Ordinal).Select(k => k + "://")))}.", nameof(target)));
    }

    /// <summary>Calls <paramref name="endpoint"/> of the actor <paramref name="target"/> names and returns its value.</summary>
    /// <typeparam name="T">The expected type of the value.</typeparam>
    /// <param name="target">A registered name, or <c>scheme://...</c>.</param>
    /// <param name="endpoint">The endpoint's name or path.</param>
    /// <param name="args">The arguments; <see cref="JsonArgument"/>s are read as the parameters' types.</param>
    /// <param name="deadline">How long to wait for the answer (wall time).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The endpoint's value.</returns>
    /// <exception cref="UnknownNameException">No actor is registered under the name.</exception>
    /// <exception cref="RemoteException">The endpoint is unknown, the arguments do not fit, or the handler threw.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="deadline"/>.</exception>
    public async Task<T> CallAsync<T>(string target, string endpoint, object?[] args, TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        var actor = await ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        return await CallClient.Get(_system).RequestAsync<T>(actor, new EndpointCall(endpoint, args ?? []), deadline, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Provider : ExtensionIdProvider<EndpointClient>
    {
        public override EndpointClient CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
