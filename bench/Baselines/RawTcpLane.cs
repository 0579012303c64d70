using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Cluster.Bench.Support;

namespace Cluster.Bench.Baselines;

/// <summary>
/// Raw loopback TCP, the ceiling: each payload copied once into a pooled buffer (as every path copies the caller's
/// array), written with a 4-byte length; the receiver reads it straight into a pooled buffer. Small payloads are
/// written through a 64 KiB buffer, flushed whenever the sender waits for credit.
/// </summary>
public sealed class RawTcpLane : ILanePath
{
    private readonly Socket _listener;
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly Task _receive;
    private readonly byte[] _batch = new byte[64 * 1024];
    private int _batched;

    private RawTcpLane(Socket listener, Socket client, Socket server, LaneHandoff handoff)
    {
        _listener = listener;
        _client = client;
        _server = server;
        Handoff = handoff;
        _receive = Task.Run(ReceiveAsync);
    }

    /// <inheritdoc />
    public string Name => "raw TCP";

    /// <inheritdoc />
    public LaneHandoff Handoff { get; }

    /// <summary>Opens a connection on 127.0.0.1.</summary>
    /// <param name="handoff">What the receiver reports to.</param>
    /// <returns>The path.</returns>
    public static async Task<RawTcpLane> StartAsync(LaneHandoff handoff)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await listener.AcceptAsync();
        server.NoDelay = true;
        return new RawTcpLane(listener, client, server, handoff);
    }

    /// <inheritdoc />
    public void Send(byte[] payload)
    {
        if (payload.Length + 4 <= _batch.Length / 4)
        {
            if (_batched + 4 + payload.Length > _batch.Length)
            {
                Flush();
            }

            BinaryPrimitives.WriteInt32LittleEndian(_batch.AsSpan(_batched), payload.Length);
            payload.CopyTo(_batch, _batched + 4);
            _batched += 4 + payload.Length;
            return;
        }

        Flush();
        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length + 4);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, payload.Length);
        payload.CopyTo(buffer, 4);
        SendAll(buffer.AsSpan(0, payload.Length + 4));
        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <inheritdoc />
    public void Flush()
    {
        if (_batched > 0)
        {
            SendAll(_batch.AsSpan(0, _batched));
            _batched = 0;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _receive.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _server.Dispose();
        _listener.Dispose();
    }

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            bytes = bytes[_client.Send(bytes)..];
        }
    }

    private async Task ReceiveAsync()
    {
        var header = new byte[4];
        var small = new byte[64 * 1024];
        int have = 0, at = 0;
        try
        {
            while (true)
            {
                // Small frames come many to a read: parse them out of one buffer.
                if (have - at < 4 || have - at < 4 + BinaryPrimitives.ReadInt32LittleEndian(small.AsSpan(at)))
                {
                    if (have - at >= 4 && BinaryPrimitives.ReadInt32LittleEndian(small.AsSpan(at)) > small.Length / 4)
                    {
                        // A large payload: read the rest straight into a pooled buffer.
                        var length = BinaryPrimitives.ReadInt32LittleEndian(small.AsSpan(at));
                        var buffer = ArrayPool<byte>.Shared.Rent(length);
                        var got = Math.Min(have - at - 4, length);
                        small.AsSpan(at + 4, got).CopyTo(buffer);
                        at += 4 + got;
                        while (got < length)
                        {
                            var n = await _server.ReceiveAsync(buffer.AsMemory(got, length - got), SocketFlags.None).ConfigureAwait(false);
                            if (n == 0)
                            {
                                return;
                            }

                            got += n;
                        }

                        Handoff.Receive(buffer.AsSpan(0, length), length);
                        ArrayPool<byte>.Shared.Return(buffer);
                        continue;
                    }

                    small.AsSpan(at, have - at).CopyTo(small);
                    have -= at;
                    at = 0;
                    var read = await _server.ReceiveAsync(small.AsMemory(have), SocketFlags.None).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    have += read;
                    continue;
                }

                var size = BinaryPrimitives.ReadInt32LittleEndian(small.AsSpan(at));
                Handoff.Receive(small.AsSpan(at + 4, size), size);
                at += 4 + size;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _ = header;
        }
    }
}
