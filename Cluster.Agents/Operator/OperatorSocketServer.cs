using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Commands;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>
/// Serves the operator verbs of this computer on the node's local socket (see <see cref="OperatorSocket"/>): each line is
/// handed to the node's <see cref="OperatorEndpoint"/> as the contract it names, and each answer goes back as one line.
/// </summary>
public sealed class OperatorSocketServer : IDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _endpoint;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();

    private OperatorSocketServer(ActorSystem system, IActorRef endpoint, Socket listener, string path)
    {
        _system = system;
        _endpoint = endpoint;
        _listener = listener;
        SocketPath = path;
    }

    /// <summary>Gets the socket's path.</summary>
    public string SocketPath { get; }

    /// <summary>Starts serving the node's endpoint on its local socket; the server stops when the actor system terminates.</summary>
    /// <param name="system">The node's actor system, with remoting started.</param>
    /// <param name="endpoint">The node's operator endpoint.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="IOException">The socket's folder cannot be created.</exception>
    public static OperatorSocketServer Start(ActorSystem system, IActorRef endpoint)
    {
        ArgumentNullException.ThrowIfNull(system);
        var self = Akka.Cluster.Cluster.Get(system).SelfAddress;
        var path = OperatorSocket.PathFor(self.Host!, self.Port!.Value);
        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // The cluster port is this node's, so a file left here is a crashed node's socket; so is any other no one answers on.
        File.Delete(path);
        RemoveStale(folder);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(16);
        var server = new OperatorSocketServer(system, endpoint, listener, path);
        _ = server.AcceptAsync();
        system.RegisterOnTermination(server.Dispose);
        return server;
    }

    private static void RemoveStale(string folder)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        foreach (var stale in Directory.EnumerateFiles(folder, "*.sock").Take(1_000))
        {
            // A socket made a moment ago may be bound but not yet listening: it belongs to a node starting now.
            if (now - File.GetLastWriteTimeUtc(stale) < TimeSpan.FromSeconds(30))
            {
                continue;
            }

            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(stale));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // Nothing listens: the node that made it crashed (a socket is refused at once, never waited for).
                File.Delete(stale);
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _listener.Dispose();
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // Another node may already own the path again; its start deletes what is stale.
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(connection);
        }
    }

    private OperatorWire.Hello Hello()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var self = cluster.SelfMember;
        var joined = self.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving;
        var seeds = cluster.Settings.SeedNodes.Select(a => $"{a.Host}:{a.Port}").ToArray();
        var version = typeof(OperatorSocketServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return new OperatorWire.Hello(_system.Name, cluster.SelfAddress.ToString(), self.Status.ToString(), joined, seeds, version, string.Join(",", cluster.SelfRoles));
    }

    private async Task ServeAsync(Socket connection)
    {
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        IActorRef? bridge = null;
        await using var stream = new NetworkStream(connection, ownsSocket: true);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var writing = WriteAsync(stream, lines.Reader);
        try
        {
            lines.Writer.TryWrite(OperatorWire.Line(Hello()));
            while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                OperatorWire.Request request;
                try
                {
                    request = OperatorWire.Parse<OperatorWire.Request>(line);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
                {
                    lines.Writer.TryWrite(OperatorWire.Failed($"not a request: {e.Message}", badInput: true));
                    continue;
                }

                switch (request.Op)
                {
                    case "ask":
                        await AskAsync(request, lines.Writer).ConfigureAwait(false);
                        break;
                    case "echo" or "watch" or "command" when bridge is null:
                        bridge = _system.ActorOf(Props.Create(() => new Bridge(lines.Writer)));
                        _endpoint.Tell(
                            request.Op switch
                            {
                                "echo" => new StartEcho(request.Pattern ?? "", bridge),
                                "watch" => new StartPathWatch(request.Path ?? "", request.IsEvent, bridge),
                                _ => new OperatorCommand(request.Actor ?? "", request.CommandString ?? "", request.TimeLimitMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, bridge),
                            },
                            bridge);
                        break;
                    case "cancel" when bridge is not null:
                        _endpoint.Tell(new CancelOperatorCommand(bridge), bridge);
                        break;
                    default:
                        lines.Writer.TryWrite(OperatorWire.Failed($"'{request.Op}' is not an operation here.", badInput: true));
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The verb went away; what it started stops with the bridge below.
        }
        finally
        {
            if (bridge is not null)
            {
                _endpoint.Tell(new StopEcho(bridge));
                _system.Stop(bridge);
            }

            lines.Writer.TryComplete();
            await writing.ConfigureAwait(false);
        }
    }

    private async Task AskAsync(OperatorWire.Request request, ChannelWriter<string> lines)
    {
        object message;
        try
        {
            message = OperatorWire.ReadRequest(request.Type ?? "", request.Body);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or NotSupportedException)
        {
            lines.TryWrite(OperatorWire.Failed($"not a valid {request.Type}: {e.Message}", badInput: true));
            return;
        }

        var timeout = TimeSpan.FromMilliseconds(Math.Clamp(request.TimeoutMs, 100, 600_000));
        try
        {
            var answer = await _endpoint.Ask<object>(message, timeout).ConfigureAwait(false);
            lines.TryWrite(answer switch
            {
                OperatorFailed failed => OperatorWire.Failed(failed.Error, failed.BadInput),
                ClockCommandFailed failed => OperatorWire.Failed(failed.Error),
                _ => OperatorWire.Ok(answer),
            });
        }
        catch (AskTimeoutException)
        {
            lines.TryWrite(OperatorWire.Failed($"{Akka.Cluster.Cluster.Get(_system).SelfAddress} had no answer within {timeout.TotalSeconds:0.#} s."));
        }
    }

    private static async Task WriteAsync(Stream stream, ChannelReader<string> lines)
    {
        try
        {
            await foreach (var line in lines.ReadAllAsync().ConfigureAwait(false))
            {
                var bytes = Encoding.UTF8.GetBytes(line + "\n");
                await stream.WriteAsync(bytes).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The verb went away.
        }
    }

    // Receives what a stream sends back to the verb and writes it as lines; an actor reference cannot cross the socket.
    private sealed class Bridge : ReceiveActor
    {
        public Bridge(ChannelWriter<string> lines)
        {
            IActorRef? watcher = null;
            Receive<PathWatchStarted>(started =>
            {
                watcher = started.Watcher;
                lines.TryWrite(OperatorWire.Line(new OperatorWire.Answer(true, nameof(PathWatchStarted), OperatorWire.ToNode(new { started.InitialJson }))));
            });
            Receive<OperatorFailed>(failed => lines.TryWrite(OperatorWire.Failed(failed.Error, failed.BadInput)));
            Receive<EchoStarted>(_ => lines.TryWrite(OperatorWire.Line(new OperatorWire.Answer(true, nameof(EchoStarted)))));
            Receive<EchoedMessage>(message => lines.TryWrite(OperatorWire.Ok(message)));
            Receive<PathSeen>(seen => lines.TryWrite(OperatorWire.Ok(seen)));
            Receive<OperatorCommandReply>(reply => lines.TryWrite(OperatorWire.Ok(reply)));
            Receive<OperatorCommandEnded>(ended => lines.TryWrite(OperatorWire.Ok(ended)));
            ReceiveAny(_ => { });
            _stopWatch = () => watcher?.Tell(StopPathWatch.Instance);
        }

        private readonly Action _stopWatch;

        protected override void PostStop() => _stopWatch();
    }
}
