using System.Net;
using System.Net.Sockets;
using System.Text;
using Cluster.Agents.Commands;
using Cluster.Agents.Core.Clocks;
using Xunit;

namespace Cluster.Tests.Commands;

public sealed class LineDeviceSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public LineDeviceSpec()
        : base(LocalNode.Config, "line-device-spec")
    {
    }

    private static async Task<(TcpClient Client, StreamReader Reader, StreamWriter Writer)> AcceptAsync(TcpListener instrument)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var client = await instrument.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        return (client, new StreamReader(stream, Encoding.UTF8), new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" });
    }

    [Fact]
    public async Task A_line_device_writes_lines_hands_each_received_line_to_its_callback_and_stream_and_reconnects_after_a_drop()
    {
        var instrument = new TcpListener(IPAddress.Loopback, 0);
        instrument.Start();
        try
        {
            var port = ((IPEndPoint)instrument.LocalEndpoint).Port;
            var heard = new List<string>();
            await using var device = new LineDevice("127.0.0.1", port, NodeClock.Get(Sys).Clock, line => { lock (heard) { heard.Add(line); } }, new LineDeviceOptions { InitialBackoff = TimeSpan.FromMilliseconds(50) });
            var starting = device.StartAsync();
            var (first, firstReader, firstWriter) = await AcceptAsync(instrument);
            await starting.WaitAsync(Wait);

            await device.WriteLineAsync("status");
            using var timeout = new CancellationTokenSource(Wait);
            Assert.Equal("status", await firstReader.ReadLineAsync(timeout.Token));
            await firstWriter.WriteLineAsync("temp=-10.5\r");
            await using var lines = device.ReadLinesAsync(timeout.Token).GetAsyncEnumerator();
            Assert.True(await lines.MoveNextAsync());
            Assert.Equal("temp=-10.5", lines.Current);

            first.Dispose();
            var (second, _, secondWriter) = await AcceptAsync(instrument);
            using (second)
            {
                await secondWriter.WriteLineAsync("hello again");
                Assert.True(await lines.MoveNextAsync());
                Assert.Equal("hello again", lines.Current);
                Assert.Equal(2, device.Connections);
                lock (heard)
                {
                    Assert.Equal(["temp=-10.5", "hello again"], heard);
                }
            }
        }
        finally
        {
            instrument.Stop();
        }
    }

    [Fact]
    public async Task Writing_while_disconnected_fails_naming_the_instrument_and_bad_options_are_refused()
    {
        var device = new LineDevice("127.0.0.1", 9, NodeClock.Get(Sys).Clock);
        await using (device)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => device.WriteLineAsync("status"));
            Assert.Equal("The instrument at 127.0.0.1:9 is not connected.", error.Message);
        }

        Assert.Throws<ArgumentException>(() => new LineDevice("127.0.0.1", 0, NodeClock.Get(Sys).Clock));
        var backoff = Assert.Throws<ArgumentException>(() => new LineDevice("127.0.0.1", 9, NodeClock.Get(Sys).Clock, options: new LineDeviceOptions { InitialBackoff = TimeSpan.Zero }));
        Assert.Contains("InitialBackoff", backoff.Message, StringComparison.Ordinal);
    }
}
