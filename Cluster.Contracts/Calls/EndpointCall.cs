namespace Cluster.Contracts.Calls;

/// <summary>
/// Asks a named actor to run one of its endpoints; it travels as the payload of a call (a request, a one-way
/// send or a stream). Every face's calls are this one message: a device's request, an agent's method, the
/// operator's <c>call</c> verb.
/// </summary>
/// <param name="Endpoint">
/// The endpoint's name, or a path through nested routers with segments separated by <c>/</c> (<c>eggs/cook</c>).
/// Names match ignoring case, <c>-</c> and <c>_</c>.
/// </param>
/// <param name="Args">The arguments in parameter order; each is converted to its parameter's type on the answering side.</param>
public sealed record EndpointCall(string Endpoint, object?[] Args) : IClusterMessage;

/// <summary>
/// An argument given as JSON text, read on the answering side as the type of the parameter it meets
/// (an external surface, such as the operator's <c>call</c> verb, does not know that type).
/// </summary>
/// <param name="Json">The JSON text, e.g. <c>1.5</c>, <c>"fast"</c> or <c>{"x": 1.0}</c>.</param>
public sealed record JsonArgument(string Json) : IClusterMessage
{
    /// <inheritdoc />
    public override string ToString() => Json;
}
