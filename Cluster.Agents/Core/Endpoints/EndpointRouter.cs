namespace Cluster.Agents.Core.Endpoints;

/// <summary>
/// A nested router: a name whose value is another object with endpoints of its own, so a call's path
/// walks through it (<c>eggs/cook</c> calls <c>cook</c> on the object the router <c>eggs</c> gives).
/// </summary>
public sealed class EndpointRouter
{
    private readonly Func<object?, object?> _child;
    private readonly Func<object, EndpointTable> _tableOf;

    /// <summary>Declares a router.</summary>
    /// <param name="name">The router's name (see <see cref="EndpointNames"/>).</param>
    /// <param name="child">Gets the nested object from the object that holds the router; null when it has none now.</param>
    /// <param name="tableOf">Gets the endpoints of a nested object.</param>
    /// <param name="describe">Names the router in errors, e.g. <c>Chef.Eggs</c>.</param>
    public EndpointRouter(string name, Func<object?, object?> child, Func<object, EndpointTable> tableOf, string describe)
    {
        EndpointNames.Check(name, describe);
        Name = name;
        _child = child ?? throw new ArgumentNullException(nameof(child));
        _tableOf = tableOf ?? throw new ArgumentNullException(nameof(tableOf));
        Describe = describe;
    }

    /// <summary>Gets the router's name.</summary>
    public string Name { get; }

    /// <summary>Gets how errors name the router.</summary>
    public string Describe { get; }

    internal object? Child(object? holder) => _child(holder);

    internal EndpointTable TableOf(object child) => _tableOf(child);
}
