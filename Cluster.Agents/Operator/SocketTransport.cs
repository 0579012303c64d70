using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cluster.Contracts.Commands;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>A node on this computer, through its local operator socket: no actor system, one connection per verb.</summary>
internal sealed class SocketTransport : IOperatorTransport
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private SocketTransport(string node, Socket socket, OperatorWire.Hello hello)
    {
        Node = node;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(_stream, Encoding.UTF8);
        Hello = hello;
    }

    public string Node { get; }

    public OperatorWire.Hello Hello { get; }

    /// <summary>Connects to the local socket of <paramref name="seed"/>, or returns null when no node serves one here.</summary>
    public static async Task<SocketTransport?> TryConnectAsync(DnsEndPoint seed, TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var path in OperatorSocket.CandidatesFor(seed))
        {
            if (!File.Exists(path))
            {
                continue;
            }

            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(timeout);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), deadline.Token).ConfigureAwait(false);
                var stream = new NetworkStream(socket, ownsSocket: false);
                var reader = new StreamReader(stream, Encoding.UTF8);
                var first = await reader.ReadLineAsync(deadline.Token).ConfigureAwait(false);
                if (first is null)
                {
                    socket.Dispose();
                    continue;
                }

                var transport = new SocketTransport($"{seed.Host}:{seed.Port}", socket, OperatorWire.Parse<OperatorWire.Hello>(first));
                return transport;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or JsonException)
            {
                // A socket left by a node that crashed, or one that does not answer: try remoting.
                socket.Dispose();
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
            }
        }

        return null;
    }

    public async Task<T> AskAsync<T>(object message, TimeSpan timeout)
    {
        var type = message.GetType().Name;
        var isSingleton = message.GetType().GetField("Instance") is not null;
        await SendAsync(new OperatorWire.Request("ask", type, isSingleton ? null : OperatorWire.ToNode(message), (long)timeout.TotalMilliseconds)).ConfigureAwait(false);
        var answer = await ReadAsync(CancellationToken.None, timeout + TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        return answer.Type == typeof(T).Name
            ? Body<T>(answer)
            : throw new OperatorException($"unexpected answer {answer.Type} from {Node}.");
    }

    public async Task EchoAsync(string pattern, Action onStarted, Func<EchoedMessage, bool> onMessage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await SendAsync(new OperatorWire.Request("echo", Pattern: pattern)).ConfigureAwait(false);
        await StartedAsync(timeout, cancellationToken).ConfigureAwait(false);
        onStarted();
        await StreamAsync(answer => onMessage(Body<EchoedMessage>(answer)), cancellationToken).ConfigureAwait(false);
    }

    public async Task WatchPathAsync(string path, bool isEvent, Action<string?> onStarted, Func<PathSeen, bool> onSeen, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await SendAsync(new OperatorWire.Request("watch", Path: path, IsEvent: isEvent)).ConfigureAwait(false);
        var started = await StartedAsync(timeout, cancellationToken).ConfigureAwait(false);
        onStarted(started.Body?["InitialJson"]?.GetValue<string>());
        await StreamAsync(answer => onSeen(Body<PathSeen>(answer)), cancellationToken).ConfigureAwait(false);
    }

    public async Task<CommandStatus> RunCommandAsync(string actor, string commandString, TimeSpan? timeLimit, Func<string, Task> onReply, CancellationToken cancellationToken)
    {
        await SendAsync(new OperatorWire.Request("command", Actor: actor, CommandString: commandString, TimeLimitMs: timeLimit is { } limit ? (long)limit.TotalMilliseconds : null)).ConfigureAwait(false);
        using var cancel = cancellationToken.Register(() => _ = SendAsync(new OperatorWire.Request("cancel")));
        while (true)
        {
            var answer = await ReadAsync(CancellationToken.None, null).ConfigureAwait(false);
            switch (answer.Type)
            {
                case nameof(OperatorCommandReply):
                    await onReply(Body<OperatorCommandReply>(answer).Json).ConfigureAwait(false);
                    break;
                case nameof(OperatorCommandEnded):
                    return Body<OperatorCommandEnded>(answer).Status;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _stream.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private static T Body<T>(OperatorWire.Answer answer) =>
        answer.Body.Deserialize<T>(OperatorWire.Json) ?? throw new OperatorException($"an empty {typeof(T).Name} from the node.");

    private Task<OperatorWire.Answer> StartedAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        ReadAsync(cancellationToken, timeout);

    private async Task StreamAsync(Func<OperatorWire.Answer, bool> onAnswer, CancellationToken cancellationToken)
    {
        try
        {
            while (onAnswer(await ReadAsync(cancellationToken, null).ConfigureAwait(false)))
            {
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(OperatorWire.Request request)
    {
        var bytes = Encoding.UTF8.GetBytes(OperatorWire.Line(request) + "\n");
        await _stream.WriteAsync(bytes).ConfigureAwait(false);
    }

    private async Task<OperatorWire.Answer> ReadAsync(CancellationToken cancellationToken, TimeSpan? timeout)
    {
        string? line;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } wait)
        {
            deadline.CancelAfter(wait);
        }

        try
        {
            line = await _reader.ReadLineAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OperatorException($"no answer from {Node} within {timeout?.TotalSeconds:0.#} s.", e);
        }
        catch (IOException e)
        {
            throw new OperatorException($"{Node} closed the connection: {e.Message}", e);
        }

        if (line is null)
        {
            throw new OperatorException($"{Node} closed the connection (the node stopped).");
        }

        var answer = OperatorWire.Parse<OperatorWire.Answer>(line);
        return answer.Ok ? answer : throw new OperatorException(answer.Error ?? "the node refused the request.") { BadInput = answer.BadInput };
    }
}
