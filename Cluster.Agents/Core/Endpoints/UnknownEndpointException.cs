namespace Cluster.Agents.Core.Endpoints;

/// <summary>
/// A call named an endpoint its target does not have; the message lists the endpoints it has there. The caller
/// of a remote target receives it as a <see cref="Calls.RemoteException"/> whose <see cref="Calls.RemoteException.RemoteType"/> is this type.
/// </summary>
public sealed class UnknownEndpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="owner">The target's name, e.g. <c>drive</c> or <c>agent://robot@10.0.0.2:4053/7</c>.</param>
    /// <param name="endpoint">The endpoint or path asked for.</param>
    /// <param name="endpoints">The endpoints the target has where the lookup stopped.</param>
    /// <param name="detail">Why the lookup stopped, when there is more to say than the name (a hidden member, a router).</param>
    public UnknownEndpointException(string owner, string endpoint, IEnumerable<string> endpoints, string? detail = null)
        : base($"'{owner}' has no endpoint '{endpoint}'{(detail is null ? string.Empty : ": " + detail)}; its endpoints{(detail is null ? string.Empty : " there")}: {Describe(endpoints)}.")
    {
        Owner = owner;
        Endpoint = endpoint;
    }

    /// <summary>Gets the target's name.</summary>
    public string Owner { get; }

    /// <summary>Gets the endpoint or path asked for.</summary>
    public string Endpoint { get; }

    private static string Describe(IEnumerable<string> endpoints)
    {
        var list = endpoints.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
