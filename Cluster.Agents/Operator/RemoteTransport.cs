using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Security;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Commands;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>
/// A node on another computer, over remoting: a remote-only actor system that asks the node's <see cref="OperatorEndpoint"/>
/// and never joins the cluster.
/// </summary>
/// <remarks>
/// Joining and leaving would add a member, wait for convergence twice and leave a trace in every node's membership; a
/// ClusterClient would need a receptionist, which runs on pub-sub and so not on the Lighthouse. A plain remote ask to a
/// well-known path does neither: when the verb exits, its association simply closes.
/// </remarks>
internal sealed class RemoteTransport : IOperatorTransport
{
    private readonly ActorSystem _system;
    private readonly DnsEndPoint _seed;
    private readonly string _group;
    private readonly bool _tls;

    private RemoteTransport(ActorSystem system, DnsEndPoint seed, string group, bool tls)
    {
        _system = system;
        _seed = seed;
        _group = group;
        _tls = tls;
    }

    public string Node => $"{_seed.Host}:{_seed.Port}";

    // Over TLS, remoting's addresses carry another protocol, as the nodes' own do.
    private string EndpointPath => $"{(_tls ? "akka.ssl.tcp" : "akka.tcp")}://{_group}@{_seed.Host}:{_seed.Port}/user/{OperatorEndpoint.Name}";

    // A TLS handshake that fails looks like silence to the verb: say which side of TLS it was on.
    private string TlsHint => _tls
        ? ", or not run mutual TLS, or not accept this certificate (CLUSTER_TLS_CERTIFICATE must be signed by the authority in the nodes' CLUSTER_TLS_CA)"
        : ", or run mutual TLS (then set CLUSTER_TLS_CERTIFICATE, CLUSTER_TLS_PASSWORD and CLUSTER_TLS_CA to a certificate signed by the cluster's authority)";

    /// <summary>Connects and checks that the node's endpoint answers in <paramref name="group"/>.</summary>
    /// <remarks>
    /// With <c>CLUSTER_TLS_CERTIFICATE</c> (and <c>CLUSTER_TLS_CA</c>, <c>CLUSTER_TLS_PASSWORD</c>) set, the verbs speak mutual TLS
    /// with a certificate of their own, checked against the cluster's authority as the nodes check each other's.
    /// </remarks>
    /// <exception cref="ClusterConfigurationException">TLS is asked for but a certificate cannot be read; the message names the file.</exception>
    public static async Task<RemoteTransport> ConnectAsync(DnsEndPoint seed, string group, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tls = ClusterTlsSettings.Create(Config.Empty);
        var setup = tls.Enabled
            ? new DotNettySslSetup(tls.LoadCertificate(), suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, ClusterTlsSettings.ValidateAgainst(tls.LoadCa()))
            : null;
        var localIp = await ProbeAsync(seed, timeout, cancellationToken).ConfigureAwait(false);
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "{{localIp}}"
            akka.remote.dot-netty.tcp.port = 0
            akka.remote.dot-netty.tcp.enable-ssl = {{(tls.Enabled ? "on" : "off")}}
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            akka.log-dead-letters = off
            """).WithFallback(ClusterHocon.Base);
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        var system = setup is null
            ? ActorSystem.Create(OperatorClient.SystemName, bootstrap)
            : ActorSystem.Create(OperatorClient.SystemName, bootstrap.And(setup));
        var transport = new RemoteTransport(system, seed, group, tls.Enabled);
        try
        {
            var identity = await transport._system.ActorSelection(transport.EndpointPath).Ask<ActorIdentity>(new Identify(null), timeout, cancellationToken).ConfigureAwait(false);
            if (identity.Subject is null)
            {
                throw new OperatorException($"{transport.Node} gave no operator endpoint of group '{group}': it runs no node of that group{transport.TlsHint}.");
            }

            return transport;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw new OperatorException(
                $"{transport.Node} accepts connections but no node of group '{group}' answered within {timeout.TotalSeconds:0.#} s: " +
                $"the node may be in another group (--group), or started with another address than the one given (its CLUSTER_IP){transport.TlsHint}.", e);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<T> AskAsync<T>(object message, TimeSpan timeout)
    {
        try
        {
            var answer = await _system.ActorSelection(EndpointPath).Ask<object>(message, timeout).ConfigureAwait(false);
            return answer switch
            {
                T expected => expected,
                OperatorFailed failed => throw new OperatorException(failed.Error) { BadInput = failed.BadInput },
                ClockCommandFailed failed => throw new OperatorException(failed.Error),
                _ => throw new OperatorException($"unexpected answer {answer.GetType().Name} from {Node}."),
            };
        }
        catch (AskTimeoutException e)
        {
            throw new OperatorException($"no answer from {Node} (group '{_group}') within {timeout.TotalSeconds:0.#} s.", e);
        }
    }

    public async Task EchoAsync(string pattern, Action onStarted, Func<EchoedMessage, bool> onMessage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = _system.ActorOf(Props.Create(() => new Receiver<EchoedMessage>(onMessage, done)));
        try
        {
            await AskWithReceiverAsync<EchoStarted>(new StartEcho(pattern, receiver), timeout).ConfigureAwait(false);
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

    public async Task WatchPathAsync(string path, bool isEvent, Action<string?> onStarted, Func<PathSeen, bool> onSeen, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = _system.ActorOf(Props.Create(() => new Receiver<PathSeen>(onSeen, done)));
        IActorRef? watcher = null;
        try
        {
            var started = await AskWithReceiverAsync<PathWatchStarted>(new StartPathWatch(path, isEvent, receiver), timeout).ConfigureAwait(false);
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

    public async Task<CommandStatus> RunCommandAsync(string actor, string commandString, TimeSpan? timeLimit, Func<string, Task> onReply, CancellationToken cancellationToken)
    {
        var ended = new TaskCompletionSource<CommandStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = _system.ActorOf(Props.Create(() => new CommandReceiver(onReply, ended)));
        try
        {
            _system.ActorSelection(EndpointPath).Tell(new OperatorCommand(actor, commandString, timeLimit, receiver), receiver);
            using (cancellationToken.Register(() => _system.ActorSelection(EndpointPath).Tell(new CancelOperatorCommand(receiver), receiver)))
            {
                return await ended.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            _system.Stop(receiver);
        }
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().ConfigureAwait(false);

    // The start of a stream is asked with the receiver's own reference, so what the node sends later reaches it.
    private Task<T> AskWithReceiverAsync<T>(object message, TimeSpan timeout) => AskAsync<T>(message, timeout);

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

    private sealed class Receiver<T> : ReceiveActor
    {
        public Receiver(Func<T, bool> onItem, TaskCompletionSource done) =>
            Receive<T>(item =>
            {
                if (!done.Task.IsCompleted && !onItem(item))
                {
                    done.TrySetResult();
                }
            });
    }

    // Replies are printed one at a time, in order: the next waits for the previous write.
    private sealed class CommandReceiver : ReceiveActor
    {
        public CommandReceiver(Func<string, Task> onReply, TaskCompletionSource<CommandStatus> ended)
        {
            ReceiveAsync<OperatorCommandReply>(reply => onReply(reply.Json));
            Receive<OperatorCommandEnded>(end => ended.TrySetResult(end.Status));
            Receive<OperatorFailed>(failed => ended.TrySetException(new OperatorException(failed.Error) { BadInput = failed.BadInput }));
        }
    }
}
