using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Cluster.Agents.Core.Clocks;

namespace Cluster.Agents.Commands;

/// <summary>
/// Talks to an instrument over a TCP line protocol for a command actor (clu's <c>Device</c>): connects, reconnects with a
/// doubling backoff on the node's clock when the connection drops, writes lines, and hands each received line to a callback
/// and to <see cref="ReadLinesAsync"/>.
/// </summary>
/// <remarks>Thread-safe. Lines are UTF-8 and end in <c>\n</c> (a trailing <c>\r</c> is removed). Received lines wait for the
/// reader in a queue of <see cref="LineDeviceOptions.LineQueueCapacity"/>; when it is full the oldest is dropped and counted
/// (<see cref="DroppedLines"/>). Dispose it to close the connection and stop reconnecting.</remarks>
public sealed class LineDevice : IAsyncDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly Clock _clock;
    private readonly LineDeviceOptions _options;
    private readonly Action<string>? _onLine;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<string> _lines;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TcpClient? _client;
    private Task? _run;
    private long _dropped;
    private long _tooLong;
    private long _callbackFailures;
    private int _connections;

    /// <summary>Creates the device; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <param name="host">The instrument's host.</param>
    /// <param name="port">Its port.</param>
    /// <param name="clock">The clock the backoff waits on: the node's clock.</param>
    /// <param name="onLine">Called with each received line, in order, on the reading thread; it must not block. Null for none.</param>
    /// <param name="options">Backoff and bounds; defaults when null.</param>
    /// <exception cref="ArgumentException">The host is blank, the port out of range, or an option out of range.</exception>
    public LineDevice(string host, int port, Clock clock, Action<string>? onLine = null, LineDeviceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentException($"The instrument's port must be 1 to 65535; it was {port}.", nameof(port));
        }

        _host = host;
        _port = port;
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _onLine = onLine;
        _options = options ?? new LineDeviceOptions();
        _options.Validate();
        _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(_options.LineQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Gets a value indicating whether the device is connected now.</summary>
    public bool IsConnected => Volatile.Read(ref _client)?.Connected ?? false;

    /// <summary>Gets how many times a connection was made (1 after the first, 2 after one reconnection, ...).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Gets how many received lines were dropped because the reader fell behind.</summary>
    public long DroppedLines => Interlocked.Read(ref _dropped);

    /// <summary>Gets how many received lines were skipped for being longer than <see cref="LineDeviceOptions.MaxLineBytes"/>.</summary>
    public long SkippedLines => Interlocked.Read(ref _tooLong);

    /// <summary>Gets how many times the line callback threw; the device went on reading.</summary>
    public long CallbackFailures => Interlocked.Read(ref _callbackFailures);

    /// <summary>Starts connecting, and keeps the connection up until disposed.</summary>
    /// <param name="cancellationToken">Stops waiting for the first connection; the device keeps trying.</param>
    /// <returns>A task that completes once the first connection is made.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _run ??= Task.Run(() => RunAsync(_stopping.Token));
        return _firstConnection.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes one line to the instrument.</summary>
    /// <param name="line">The line, without its line break.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes once the line is written.</returns>
    /// <exception cref="InvalidOperationException">The device is not connected now; the message names the instrument.</exception>
    public async Task WriteLineAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        var client = Volatile.Read(ref _client);
        if (client is not { Connected: true })
        {
            throw new InvalidOperationException($"The instrument at {_host}:{_port} is not connected.");
        }

        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await client.GetStream().WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            throw new InvalidOperationException($"Writing to the instrument at {_host}:{_port} failed: {e.Message}", e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Reads the received lines as they arrive, until the device is disposed; one reader at a time.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The lines.</returns>
    public IAsyncEnumerable<string> ReadLinesAsync(CancellationToken cancellationToken = default) => _lines.Reader.ReadAllAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Volatile.Read(ref _client)?.Dispose();
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        _lines.Writer.TryComplete();
        _stopping.Dispose();
        _writeGate.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var backoff = _options.InitialBackoff;
        while (!stopping.IsCancellationRequested)
        {
            var client = new TcpClient();
            try
            {
                using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping))
                {
                    attempt.CancelAfter(_options.ConnectTimeout);
                    await client.ConnectAsync(_host, _port, attempt.Token).ConfigureAwait(false);
                }

                Volatile.Write(ref _client, client);
                Interlocked.Increment(ref _connections);
                _firstConnection.TrySetResult();
                backoff = _options.InitialBackoff;
                await ReadAsync(client.GetStream(), stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The instrument is away or went away: try again after the backoff.
            }
            finally
            {
                client.Dispose();
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await _clock.Sleep(backoff, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    private async Task ReadAsync(NetworkStream stream, CancellationToken stopping)
    {
        var line = new MemoryStream();
        var skipping = false;
        var buffer = new byte[8192];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, stopping).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    if (!skipping)
                    {
                        line.WriteByte(buffer[i]);
                        skipping = line.Length > _options.MaxLineBytes;
                    }

                    continue;
                }

                if (skipping)
                {
                    Interlocked.Increment(ref _tooLong);
                }
                else
                {
                    Deliver(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r'));
                }

                line.SetLength(0);
                skipping = false;
            }
        }
    }

    private void Deliver(string text)
    {
        _lines.Writer.TryWrite(text);
        try
        {
            _onLine?.Invoke(text);
        }
        catch (Exception)
        {
            // A callback's failure must not end the connection; it is counted instead.
            Interlocked.Increment(ref _callbackFailures);
        }
    }
}
