using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>
/// The operator verbs' connection to a cluster: a remote-only actor system that asks a node's
/// <see cref="OperatorEndpoint"/> and never joins the cluster.
/// </summary>
/// <remarks>
/// Joining and leaving would add a member, wait for convergence twice and leave a trace in every node's
/// membership; a ClusterClient would need a receptionist, which runs on pub-sub and so not on the
/// Lighthouse. A plain remote ask to a well-known path does neither: when the verb exits, its
/// association simply closes and no member is ever left unreachable.
/// </remarks>
public sealed class OperatorClient : IAsyncDisposable
{
    /// <summary>The name of the verbs' actor system; nodes log its comings and goings only when verbose.</summary>
    public const string SystemName = "operator";

    private readonly ActorSystem _system;
    private readonly DnsEndPoint _seed;
    private readonly string _group;

    private OperatorClient(ActorSystem system, DnsEndPoint seed, string group)
    {
        _system = system;
        _seed = seed;
        _group = group;
    }

    /// <summary>Connects to the node at <paramref name="seed"/> in cluster <paramref name="group"/>.</summary>
    /// <param name="seed">The node to ask, as its cluster address names it (the node's <c>CLUSTER_IP</c> and port).</param>
    /// <param name="group">The cluster's name.</param>
    /// <param name="timeout">How long to wait for the TCP connection.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="OperatorException">Nothing listens at <paramref name="seed"/>.</exception>
    public static async Task<OperatorClient> ConnectAsync(DnsEndPoint seed, string group, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var localIp = await ProbeAsync(seed, timeout, cancellationToken).ConfigureAwait(false);
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "{{localIp}}"
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = ERROR
            akka.stdout-loglevel = ERROR
            akka.log-dead-letters = off
            """).WithFallback(ClusterHocon.Base);
        var system = ActorSystem.Create(SystemName, config);
        return new OperatorClient(system, seed, group);
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
    public async Task EchoAsync(string pattern, Action onStarted, Func<EchoedMessage, bool> onMessage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = _system.ActorOf(Props.Create(() => new EchoReceiver(onMessage, done)));
        try
        {
            await AskAsync<EchoStarted>(new StartEcho(pattern, receiver), timeout).ConfigureAwait(false);
            onStarted();
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _system.ActorSelection(EndpointPath).Tell(new StopEcho(receiver));
            _system.Stop(receiver);
        }
    }

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
    public async Task WatchPathAsync(string path, bool isEvent, Action<string?> onStarted, Func<PathSeen, bool> onSeen, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = _system.ActorOf(Props.Create(() => new PathSeenReceiver(onSeen, done)));
        IActorRef? watcher = null;
        try
        {
            var started = await AskAsync<PathWatchStarted>(new StartPathWatch(path, isEvent, receiver), timeout).ConfigureAwait(false);
            watcher = started.Watcher;
            onStarted(started.InitialJson);
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            watcher?.Tell(StopPathWatch.Instance);
            _system.Stop(receiver);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _system.Terminate().ConfigureAwait(false);

    internal ActorSystem System => _system;

    internal void Tell(object message, IActorRef sender) => _system.ActorSelection(EndpointPath).Tell(message, sender);

    private string EndpointPath => $"akka.tcp://{_group}@{_seed.Host}:{_seed.Port}/user/{OperatorEndpoint.Name}";

    private sealed class PathSeenReceiver : ReceiveActor
    {
        public PathSeenReceiver(Func<PathSeen, bool> onSeen, TaskCompletionSource done) =>
            Receive<PathSeen>(seen =>
            {
                if (!done.Task.IsCompleted && !onSeen(seen))
                {
                    done.TrySetResult();
                }
            });
    }

    private sealed class EchoReceiver : ReceiveActor
    {
        public EchoReceiver(Func<EchoedMessage, bool> onMessage, TaskCompletionSource done) =>
            Receive<EchoedMessage>(message =>
            {
                if (!done.Task.IsCompleted && !onMessage(message))
                {
                    done.TrySetResult();
                }
            });
    }

    /// <summary>Asks the node's operator endpoint and waits for an answer of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The expected answer.</typeparam>
    /// <param name="message">The request, a contract the endpoint handles.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="OperatorException">The node answered <see cref="OperatorFailed"/>, something else, or nothing in time.</exception>
    public async Task<T> AskAsync<T>(object message, TimeSpan timeout)
    {
        try
        {
            var answer = await _system.ActorSelection(EndpointPath).Ask<object>(message, timeout).ConfigureAwait(false);
            return answer switch
            {
                T expected => expected,
                OperatorFailed failed => throw new OperatorException(failed.Error),
                ClockCommandFailed failed => throw new OperatorException(failed.Error),
                _ => throw new OperatorException($"unexpected answer {answer.GetType().Name} from {_seed.Host}:{_seed.Port}."),
            };
        }
        catch (AskTimeoutException e)
        {
            throw new OperatorException(
                $"no answer from cluster '{_group}' at {_seed.Host}:{_seed.Port} within {timeout.TotalSeconds:0.#} s: " +
                "is --group right, and is the address the one the node was started with (its CLUSTER_IP)?", e);
        }
    }

    // A TCP connect tells at once whether anything listens, and which local address routes to the seed:
    // the node must be able to answer us on that address.
    private static async Task<string> ProbeAsync(DnsEndPoint seed, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(seed.Host, seed.Port, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OperatorException($"cannot reach {seed.Host}:{seed.Port}: no connection within {timeout.TotalSeconds:0.#} s.", e);
        }
        catch (SocketException e)
        {
            throw new OperatorException($"cannot reach {seed.Host}:{seed.Port}: {e.Message}.", e);
        }

        var local = (IPEndPoint)socket.LocalEndPoint!;
        var address = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
        return address.ToString();
    }
}
