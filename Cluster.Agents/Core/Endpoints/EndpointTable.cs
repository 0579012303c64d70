namespace Cluster.Agents.Core.Endpoints;

/// <summary>
/// The endpoints and routers of one actor (or of one type, shared by its instances): found by name with the one
/// rule of <see cref="EndpointNames"/>, and walked through routers for a path such as <c>eggs/cook</c>.
/// </summary>
public sealed class EndpointTable
{
    private readonly string _owner;
    private readonly Dictionary<string, object> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _normal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hidden = new(StringComparer.Ordinal);

    /// <summary>Creates an empty table.</summary>
    /// <param name="owner">Who declares the endpoints (an actor's name, a type's name), for declaration errors.</param>
    public EndpointTable(string owner) => _owner = owner;

    /// <summary>Gets the declared names of the endpoints and routers, in declaration order.</summary>
    public IEnumerable<string> Names => _exact.Keys;

    /// <summary>Gets the endpoints, in declaration order.</summary>
    public IEnumerable<Endpoint> Endpoints => _exact.Values.OfType<Endpoint>();

    /// <summary>Adds an endpoint.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <exception cref="ArgumentException">The table already has an endpoint or router of that name.</exception>
    public void Add(Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Add(endpoint.Name, endpoint);
    }

    /// <summary>Adds a nested router.</summary>
    /// <param name="router">The router.</param>
    /// <exception cref="ArgumentException">The table already has an endpoint or router of that name.</exception>
    public void Add(EndpointRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        Add(router.Name, router);
    }

    /// <summary>Explains why a name that is not an endpoint is not one, for a caller who asks for it (e.g. a member not exposed).</summary>
    /// <param name="name">The name a caller might use.</param>
    /// <param name="explanation">Why it is not an endpoint.</param>
    public void Hide(string name, string explanation) => _hidden.TryAdd(EndpointNames.Normalize(name), explanation);

    /// <summary>Finds the endpoint at <paramref name="path"/> and the object it runs on.</summary>
    /// <param name="target">The object the table belongs to (null for an actor's own closures).</param>
    /// <param name="path">An endpoint's name, or a path through routers such as <c>eggs/cook</c>.</param>
    /// <param name="owner">The actor's name, for the error.</param>
    /// <returns>The endpoint and the object to run it on.</returns>
    /// <exception cref="UnknownEndpointException">Nothing is at the path; the message lists what is there.</exception>
    public (Endpoint Endpoint, object? Target) Resolve(object? target, string path, string owner)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UnknownEndpointException(owner, path ?? string.Empty, Names, "a call needs an endpoint's name, e.g. 'cook', or 'eggs/cook' through a router");
        }

        if (!path.Contains('/', StringComparison.Ordinal))
        {
            return Find(path) is Endpoint endpoint ? (endpoint, target) : throw NotAnEndpoint(Find(path), path, path, owner, string.Empty);
        }

        var table = this;
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var prefix = string.Join('/', segments[..(i + 1)]);
            var parent = string.Join('/', segments[..i]);
            if (segments[i].Length == 0)
            {
                throw new UnknownEndpointException(owner, path, table.Names, $"the path has an empty segment after '{parent}'");
            }

            var entry = table.Find(segments[i]);
            var last = i == segments.Length - 1;
            switch (entry)
            {
                case Endpoint endpoint when last:
                    return (endpoint, target);
                case Endpoint:
                    throw new UnknownEndpointException(owner, path, table.Names, $"'{prefix}' is an endpoint, not a router");
                case EndpointRouter router when !last:
                    target = router.Child(target)
                        ?? throw new UnknownEndpointException(owner, path, table.Names, $"the router '{prefix}' ({router.Describe}) is null");
                    table = router.TableOf(target);
                    break;
                default:
                    throw table.NotAnEndpoint(entry, path, segments[i], owner, parent);
            }
        }

        throw new UnknownEndpointException(owner, path, Names);
    }

    private object? Find(string name) =>
        _exact.TryGetValue(name, out var entry) || _normal.TryGetValue(EndpointNames.Normalize(name), out entry) ? entry : null;

    private UnknownEndpointException NotAnEndpoint(object? entry, string path, string name, string owner, string parent)
    {
        if (entry is EndpointRouter router)
        {
            var example = router.Describe;
            return new UnknownEndpointException(owner, path, Names, $"'{path}' is a router ({example}), not an endpoint: call one of its endpoints, e.g. '{path}/...'");
        }

        if (_hidden.TryGetValue(EndpointNames.Normalize(name), out var hidden))
        {
            return new UnknownEndpointException(owner, path, Names, hidden);
        }

        return parent.Length == 0
            ? new UnknownEndpointException(owner, path, Names)
            : new UnknownEndpointException(owner, path, Names, $"'{parent}' has no '{name}'");
    }

    private void Add(string name, object entry)
    {
        EndpointNames.Check(name, _owner);
        var normal = EndpointNames.Normalize(name);
        if (!_normal.TryAdd(normal, entry))
        {
            var existing = _exact.First(e => ReferenceEquals(e.Value, _normal[normal])).Key;
            throw new ArgumentException(
                $"'{_owner}' declares two endpoints named '{existing}' and '{name}': names match ignoring case, '-' and '_'; give one another name.", nameof(name));
        }

        _exact.Add(name, entry);
    }
}
