using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Cluster.Tests.Commands;

/// <summary>A plain socket client of the TCP/JSON endpoint, as a non-.NET tool would be: lines out, lines in, each read bounded in time.</summary>
internal sealed class LineClient : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _client;
    private readonly StreamReader _reader;

    private LineClient(TcpClient client)
    {
        _client = client;
        _reader = new StreamReader(client.GetStream(), Encoding.UTF8);
    }

    public static async Task<LineClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new LineClient(client);
    }

    public Task SendAsync(string line) => SendRawAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task SendRawAsync(byte[] bytes) => await _client.GetStream().WriteAsync(bytes);

    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        return await _reader.ReadLineAsync(timeout.Token);
    }

    public async Task<JsonObject> ReadJsonAsync()
    {
        var line = await ReadLineAsync() ?? throw new IOException("The server closed the connection.");
        return JsonNode.Parse(line)!.AsObject();
    }

    public async Task<JsonObject> ReadUntilAsync(Func<JsonObject, bool> wanted)
    {
        while (true)
        {
            var json = await ReadJsonAsync();
            if (wanted(json))
            {
                return json;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
