using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Rpc;

/// <summary>What every proxy of one agent shares: the agent's address and its actor, resolved once.</summary>
internal sealed class AgentConnection
{
    private readonly AgentContainer _container;
    private IActorRef? _target;
    private Task<IActorRef>? _resolving;

    public AgentConnection(AgentContainer container, AgentAddress address, IActorRef? target)
    {
        _container = container;
        Address = address;
        _target = target;
    }

    public AgentAddress Address { get; }

    public AgentContainer Container => _container;

    public Task<object?> CallAsync(string path, object?[]? args, TimeSpan deadline)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return Task.FromException<object?>(new ArgumentException(
                $"A call to {Address} needs a member name: the path is empty (e.g. \"cook\", or \"eggs/cook\" for a nested router).", nameof(path)));
        }

        var call = new EndpointCall(path, ToWire(args));
        return _target is { } target
            ? _container.Calls.RequestAsync<object?>(target, call, deadline)
            : ResolveThenCallAsync(call, deadline);
    }

    // An interface or a dynamic proxy turns an agent address that comes back into a proxy to that agent.
    public T Expect<T>(object? value, string path) =>
        ValueConversion.Expect<T>(
            value,
            () => $"{Address} (\"{path}\")",
            (answer, type) => answer is AgentAddress address && (type.IsInterface || type == typeof(AgentProxy)) ? _container.Materialise(type, address) : null);

    private static object?[] ToWire(object?[]? args)
    {
        if (args is null || args.Length == 0)
        {
            return [];
        }

        object?[]? copy = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is IAgentReference reference)
            {
                copy ??= (object?[])args.Clone();
                copy[i] = reference.Address;
            }
        }

        return copy ?? args;
    }

    private async Task<object?> ResolveThenCallAsync(EndpointCall call, TimeSpan deadline)
    {
        var resolving = _resolving ??= _container.ResolveAsync(Address, CancellationToken.None);
        IActorRef target;
        try
        {
            target = await resolving.ConfigureAwait(false);
        }
        catch
        {
            // The next call tries again: the agent may exist by then.
            _ = Interlocked.CompareExchange(ref _resolving, null, resolving);
            throw;
        }

        _target = target;
        return await _container.Calls.RequestAsync<object?>(target, call, deadline).ConfigureAwait(false);
    }
}
