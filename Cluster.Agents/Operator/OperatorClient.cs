using System.Net;
using Cluster.Contracts.Commands;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>
/// The operator verbs' connection to a cluster: the local socket of a node on this computer (no actor system is started), or
/// remoting to a node elsewhere. The seeds are tried in order until one answers as a member of the verb's group.
/// </summary>
public sealed class OperatorClient : IAsyncDisposable
{
    /// <summary>The name of the verbs' actor system on the remoting path; nodes log its comings and goings only when verbose.</summary>
    public const string SystemName = "operator";

    private readonly IOperatorTransport _transport;

    private OperatorClient(IOperatorTransport transport, bool isLocal)
    {
        _transport = transport;
        IsLocal = isLocal;
    }

    /// <summary>Gets the node that answers, as <c>host:port</c>.</summary>
    public string Node => _transport.Node;

    /// <summary>Gets whether the node is reached through its local socket rather than over the network.</summary>
    public bool IsLocal { get; }

    /// <summary>Connects to the first of <paramref name="seeds"/> that answers as a member of cluster <paramref name="group"/>.</summary>
    /// <param name="seeds">The nodes to ask, in order, as their cluster addresses name them (the node's <c>CLUSTER_IP</c> and port).</param>
    /// <param name="group">The cluster's name.</param>
    /// <param name="timeout">How long to wait for each seed.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="OperatorException">No seed answered; the message names each seed and why.</exception>
    public static async Task<OperatorClient> ConnectAsync(IReadOnlyList<DnsEndPoint> seeds, string group, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var problems = new List<string>();
        foreach (var seed in seeds)
        {
            try
            {
                return await ConnectAsync(seed, group, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperatorException e) when (!cancellationToken.IsCancellationRequested)
            {
                problems.Add(e.Message);
            }
        }

        throw new OperatorException(problems.Count == 1 ? problems[0] : "no seed answered:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
    }

    /// <summary>Connects to the node at <paramref name="seed"/> in cluster <paramref name="group"/>.</summary>
    /// <param name="seed">The node to ask.</param>
    /// <param name="group">The cluster's name.</param>
    /// <param name="timeout">How long to wait for the node.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="OperatorException">The node is unreachable, in another group, or not a member of any cluster.</exception>
    public static async Task<OperatorClient> ConnectAsync(DnsEndPoint seed, string group, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var local = await SocketTransport.TryConnectAsync(seed, timeout, cancellationToken).ConfigureAwait(false);
        if (local is not null)
        {
            var hello = local.Hello;
            var problem = !string.Equals(hello.Group, group, StringComparison.Ordinal)
                ? $"the node at {local.Node} is in group '{hello.Group}', not '{group}': give --group {hello.Group} (or CLUSTER_GROUP), or join it to '{group}'."
                : !hello.Joined
                    ? $"the node at {local.Node} has not joined a cluster (status {hello.Status}; its seeds: {(hello.Seeds.Length == 0 ? "none" : string.Join(", ", hello.Seeds))}): " +
                      "check that a seed runs, in the same group, and is reachable (run doctor)."
                    : null;
            if (problem is not null)
            {
                await local.DisposeAsync().ConfigureAwait(false);
                throw new OperatorException(problem);
            }

            return new OperatorClient(local, isLocal: true);
        }

        return new OperatorClient(await RemoteTransport.ConnectAsync(seed, group, timeout, cancellationToken).ConfigureAwait(false), isLocal: false);
    }

    /// <summary>Asks the node for the cluster's members.</summary>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The members as the node sees them.</returns>
    /// <exception cref="OperatorException">The node did not answer in time.</exception>
    public Task<MemberList> GetMembersAsync(TimeSpan timeout) => AskAsync<MemberList>(GetMembers.Instance, timeout);

    /// <summary>Asks for the topics and glob patterns known cluster-wide.</summary>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The topics and patterns.</returns>
    /// <exception cref="OperatorException">The node did not answer in time or could not list them.</exception>
    public Task<TopicList> ListTopicsAsync(TimeSpan timeout) => AskAsync<TopicList>(ListTopics.Instance, timeout);

    /// <summary>Publishes a payload given as JSON, from a node of the cluster.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="json">The payload as JSON.</param>
    /// <param name="clrType">The type to read the JSON as on the node, or null for plain values.</param>
    /// <param name="timeout">How long to wait for the node.</param>
    /// <returns>A task that completes once the payload is published.</returns>
    /// <exception cref="OperatorException">The node refused it (bad topic, JSON or type) or did not answer.</exception>
    public Task PublishJsonAsync(string topic, string json, string? clrType, TimeSpan timeout) =>
        AskAsync<JsonPublished>(new PublishJson(topic, json, clrType, "operator"), timeout);

    /// <summary>Calls an endpoint of a device, from a node of the cluster, with arguments given as JSON.</summary>
    /// <param name="device">The device's name.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="jsonArgs">The arguments, each one JSON value.</param>
    /// <param name="deadline">How long the call may take.</param>
    /// <returns>The answer as JSON.</returns>
    /// <exception cref="OperatorException">The call failed (unknown device or endpoint, the handler threw, no answer); the message says why.</exception>
    public async Task<string> CallAsync(string device, string endpoint, IReadOnlyList<string> jsonArgs, TimeSpan deadline)
    {
        var answer = await AskAsync<OperatorCallAnswered>(new OperatorCall(device, endpoint, [.. jsonArgs], deadline), deadline + TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        return answer.Json;
    }

    /// <summary>Asks for the agents of every host's container, cluster-wide.</summary>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The agents, ordered by address.</returns>
    /// <exception cref="OperatorException">The node did not answer in time.</exception>
    public Task<AgentList> ListAgentsAsync(TimeSpan timeout) => AskAsync<AgentList>(ListAgents.Instance, timeout);

    /// <summary>
    /// Receives every message that matches <paramref name="pattern"/>, as JSON, until
    /// <paramref name="onMessage"/> returns false or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="pattern">The topic pattern.</param>
    /// <param name="onStarted">Called once the subscription is confirmed cluster-wide.</param>
    /// <param name="onMessage">Called for each message, one at a time; return false to stop.</param>
    /// <param name="timeout">How long to wait for the subscription.</param>
    /// <param name="cancellationToken">Stops receiving.</param>
    /// <returns>A task that completes when receiving stopped.</returns>
    /// <exception cref="OperatorException">The node refused the pattern or did not answer.</exception>
    public Task EchoAsync(string pattern, Action onStarted, Func<EchoedMessage, bool> onMessage, TimeSpan timeout, CancellationToken cancellationToken) =>
        _transport.EchoAsync(pattern, onStarted, onMessage, timeout, cancellationToken);

    /// <summary>
    /// Watches a state, or listens to an event, through a node of the cluster, receiving what it sees as JSON until
    /// <paramref name="onSeen"/> returns false or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="path">The absolute path.</param>
    /// <param name="isEvent">True to listen to an event; false to watch a state.</param>
    /// <param name="onStarted">Called once watching, with a state's current value as JSON (null for an event).</param>
    /// <param name="onSeen">Called for each change or event, one at a time; return false to stop.</param>
    /// <param name="timeout">How long to wait for the watch to start.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>A task that completes when watching stopped.</returns>
    /// <exception cref="OperatorException">The node refused the path (ESHET's error name first) or did not answer.</exception>
    public Task WatchPathAsync(string path, bool isEvent, Action<string?> onStarted, Func<PathSeen, bool> onSeen, TimeSpan timeout, CancellationToken cancellationToken) =>
        _transport.WatchPathAsync(path, isEvent, onStarted, onSeen, timeout, cancellationToken);

    /// <summary>Sends a command string to a command actor and waits for its end, calling <paramref name="onReply"/> with each reply as it arrives.</summary>
    /// <param name="actor">The command actor's name.</param>
    /// <param name="commandString">The command string.</param>
    /// <param name="timeLimit">The command's time limit, or null.</param>
    /// <param name="onReply">Receives each reply as one JSON line.</param>
    /// <param name="cancellationToken">Cancels the command and keeps waiting for its end.</param>
    /// <returns>The command's final status.</returns>
    /// <exception cref="OperatorException">The node refused the command.</exception>
    public Task<CommandStatus> RunCommandAsync(string actor, string commandString, TimeSpan? timeLimit, Func<string, Task> onReply, CancellationToken cancellationToken) =>
        _transport.RunCommandAsync(actor, commandString, timeLimit, onReply, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _transport.DisposeAsync();

    /// <summary>Asks the node's operator endpoint and waits for an answer of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The expected answer.</typeparam>
    /// <param name="message">The request, an operator contract the endpoint handles.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="OperatorException">The node answered <see cref="OperatorFailed"/>, something else, or nothing in time.</exception>
    public Task<T> AskAsync<T>(object message, TimeSpan timeout) => _transport.AskAsync<T>(message, timeout);
}
