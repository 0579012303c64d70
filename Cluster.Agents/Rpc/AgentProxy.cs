namespace Cluster.Agents.Rpc;

/// <summary>
/// A dynamic proxy to an agent: calls its exposed members by path (<c>"eggs/cook"</c>) with any arguments.
/// Get one from <see cref="AgentContainer.ConnectAsync(AgentAddress, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// A call ends with the member's value, or with: <see cref="Core.Calls.RemoteException"/> when the member
/// threw or the path does not lead to an exposed method (its message ends with the agent's error, e.g.
/// <c>Name "x" not found in "eggs"</c>); <see cref="Core.Calls.TargetTerminatedException"/> when the agent
/// stops or its node leaves; <see cref="TimeoutException"/> after the deadline; <see cref="ArgumentException"/>,
/// before sending, when the path is empty or an argument cannot cross the wire (the message names its type).
/// </remarks>
public sealed class AgentProxy : IAgentReference
{
    private readonly AgentConnection _connection;

    internal AgentProxy(AgentConnection connection) => _connection = connection;

    /// <inheritdoc />
    public AgentAddress Address => _connection.Address;

    /// <summary>Calls the member at <paramref name="path"/> and returns its value, waiting at most the container's <see cref="AgentContainer.CallDeadline"/>.</summary>
    /// <typeparam name="T">The expected type of the value; an interface turns a returned agent address into a proxy.</typeparam>
    /// <param name="path">The member's path, e.g. <c>cook</c> or <c>eggs/cook</c>.</param>
    /// <param name="args">The arguments; proxies and agents travel as their address.</param>
    /// <returns>The member's value.</returns>
    public Task<T> CallAsync<T>(string path, params object?[] args) => CallAsync<T>(_connection.Container.CallDeadline, path, args);

    /// <summary>Calls the member at <paramref name="path"/> and returns its value, waiting at most <paramref name="deadline"/>.</summary>
    /// <typeparam name="T">The expected type of the value.</typeparam>
    /// <param name="deadline">How long the call may take (wall time).</param>
    /// <param name="path">The member's path.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The member's value.</returns>
    public async Task<T> CallAsync<T>(TimeSpan deadline, string path, params object?[] args) =>
        _connection.Expect<T>(await _connection.CallAsync(path, args, deadline).ConfigureAwait(false), path);

    /// <summary>Calls the member at <paramref name="path"/> and waits for it to complete, ignoring its value.</summary>
    /// <param name="path">The member's path.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>A task that completes when the member has.</returns>
    public Task CallAsync(string path, params object?[] args) => _connection.CallAsync(path, args, _connection.Container.CallDeadline);

    /// <inheritdoc />
    public override string ToString() => $"proxy of {Address}";
}
