using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Event;
using Cluster.Contracts.Commands;

namespace Cluster.Agents.Commands;

/// <summary>
/// A command actor's TCP/JSON endpoint, clu's <c>JSONActor</c> protocol: each line <c>[id] command string</c> runs a command,
/// each reply goes back as one JSON line. A reply goes to the connection that sent the command, a broadcast to every connection.
/// </summary>
internal sealed partial class CommandTcpServer : IDisposable
{
    private readonly CommandTcpOptions _options;
    private readonly CommandRunner _runner;
    private readonly ILoggingAdapter _log;
    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TcpListener _listener;
    private long _dropped;
    private long _refused;

    public CommandTcpServer(CommandTcpOptions options, CommandRunner runner, ILoggingAdapter log)
    {
        options.Validate();
        _options = options;
        _runner = runner;
        _log = log;
        var address = IPAddress.TryParse(options.Host, out var ip) ? ip : Dns.GetHostAddresses(options.Host).First();
        _listener = new TcpListener(address, options.Port);
    }

    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    public int Connections => _connections.Count;

    /// <summary>Gets how many clients were dropped because they did not read their replies.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Gets how many clients were turned away at the connection limit.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public void Start()
    {
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public void Broadcast(CommandReply reply)
    {
        if (_connections.IsEmpty)
        {
            return;
        }

        var line = Format(reply);
        foreach (var connection in _connections.Values)
        {
            connection.Send(line);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        foreach (var connection in _connections.Values)
        {
            connection.Close();
        }

        _stopping.Dispose();
    }

    internal static byte[] Format(CommandReply reply) => CommandReplyJson.ToUtf8Line(reply);

    [GeneratedRegex(@"^([0-9]*)\s*(.+)$", RegexOptions.Singleline)]
    private static partial Regex CommandLine();

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_options.MaxConnections is { } max && _connections.Count >= max)
            {
                Interlocked.Increment(ref _refused);
                _ = RefuseAsync(client);
                continue;
            }

            var connection = new Connection(this, client);
            _connections[connection.Id] = connection;
            _log.Debug("'{0}': user {1} connected from {2}.", _runner.Name, connection.Id, client.Client.RemoteEndPoint);
            _ = connection.RunAsync(_stopping.Token);
        }
    }

    private static async Task RefuseAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.GetStream().WriteAsync("Max number of connections reached.\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away first; nothing to tell it.
            }
        }
    }

    private void OnLine(Connection connection, ReadOnlySpan<byte> line, bool tooLong)
    {
        if (tooLong)
        {
            connection.Fail($"The line is longer than {_options.MaxLineBytes} bytes and was skipped.");
            return;
        }

        var error = ParseLine(line, out var id, out var body);
        if (error is not null)
        {
            connection.Fail(error);
            return;
        }

        if (body.Length == 0)
        {
            return;
        }

        _runner.Start(body, connection.Id, id, connection);
    }

    /// <summary>Reads one line of the protocol: an optional number, then the command string.</summary>
    /// <param name="line">The line's bytes, without its end.</param>
    /// <param name="id">The line's number, or 0.</param>
    /// <param name="body">The command string, empty when the line holds none (it is then skipped).</param>
    /// <returns>Null, or what is wrong with the line, to tell the client.</returns>
    internal static string? ParseLine(ReadOnlySpan<byte> line, out long id, out string body)
    {
        id = 0;
        body = "";
        string text;
        try
        {
            text = StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return "The line is not valid UTF-8 and was skipped.";
        }

        var message = text.Trim();
        if (message.Length == 0)
        {
            return null;
        }

        var match = CommandLine().Match(message);
        if (!match.Success || (match.Groups[1].Length > 0 && !long.TryParse(match.Groups[1].ValueSpan, out id)))
        {
            return "Cannot match command string text.";
        }

        body = match.Groups[2].Value.Trim();
        return null;
    }

    private void Drop(Connection connection, string why)
    {
        if (_connections.TryRemove(connection.Id, out _))
        {
            _log.Debug("'{0}': user {1} disconnected ({2}).", _runner.Name, connection.Id, why);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One client: a read loop that runs its lines, and a bounded queue of replies written by its own loop.</summary>
    private sealed class Connection : IReplyOutlet
    {
        private readonly CommandTcpServer _server;
        private readonly TcpClient _client;
        private readonly System.Threading.Channels.Channel<byte[]> _outbox;
        private int _closed;

        public Connection(CommandTcpServer server, TcpClient client)
        {
            _server = server;
            _client = client;
            Id = Guid.NewGuid().ToString();
            _outbox = System.Threading.Channels.Channel.CreateBounded<byte[]>(new System.Threading.Channels.BoundedChannelOptions(server._options.SendQueueCapacity)
            {
                SingleReader = true,
                FullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
            });
        }

        public string Id { get; }

        public bool HearsBroadcasts => true;

        public void Write(CommandReply reply) => Send(Format(reply));

        public void Complete()
        {
        }

        public void Send(byte[] line)
        {
            if (!_outbox.Writer.TryWrite(line) && Volatile.Read(ref _closed) == 0)
            {
                // A client that does not read its replies is dropped, never waited for.
                Interlocked.Increment(ref _server._dropped);
                _server._log.Warning("'{0}': user {1} fell {2} replies behind and was dropped.", _server._runner.Name, Id, _server._options.SendQueueCapacity);
                Close();
            }
        }

        public void Fail(string error)
        {
            var data = new System.Text.Json.Nodes.JsonObject { ["error"] = error }.ToJsonString(Keywords.JsonOptions);
            Write(new CommandReply(0, Id, MessageCodes.Failed, _server._runner.Name, false, data, CommandStatus.Failed, false, _server._runner.Clock.UtcNow));
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                _outbox.Writer.TryComplete();
                _server.Drop(this, "closed");
                _client.Dispose();
            }
        }

        public async Task RunAsync(CancellationToken stopping)
        {
            var stream = _client.GetStream();
            var writing = WriteLoopAsync(stream, stopping);
            try
            {
                await ReadLoopAsync(stream, stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client closed or was dropped.
            }
            finally
            {
                Close();
            }

            await writing.ConfigureAwait(false);
        }

        private async Task ReadLoopAsync(NetworkStream stream, CancellationToken stopping)
        {
            var max = _server._options.MaxLineBytes;
            var line = new byte[max];
            var length = 0;
            var skipping = false;
            var buffer = new byte[8192];
            while (true)
            {
                var read = await stream.ReadAsync(buffer, stopping).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                var start = 0;
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        continue;
                    }

                    var part = i - start;
                    if (!skipping && length + part <= max)
                    {
                        buffer.AsSpan(start, part).CopyTo(line.AsSpan(length));
                        _server.OnLine(this, line.AsSpan(0, length + part), tooLong: false);
                    }
                    else
                    {
                        _server.OnLine(this, default, tooLong: true);
                    }

                    length = 0;
                    skipping = false;
                    start = i + 1;
                }

                var rest = read - start;
                if (skipping || length + rest > max)
                {
                    skipping = true;
                    length = 0;
                }
                else
                {
                    buffer.AsSpan(start, rest).CopyTo(line.AsSpan(length));
                    length += rest;
                }
            }
        }

        private async Task WriteLoopAsync(NetworkStream stream, CancellationToken stopping)
        {
            try
            {
                await foreach (var line in _outbox.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
                {
                    await stream.WriteAsync(line, stopping).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                Close();
            }
        }
    }
}
