using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Cluster.Agents.Commands;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Endpoints;
using Cluster.Contracts.Calls;
using Xunit;

namespace Cluster.Tests.Commands;

public sealed class CommandTcpSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public CommandTcpSpec()
        : base(LocalNode.Config, "command-tcp-spec")
    {
    }

    private async Task<(IActorRef Actor, int Port)> StartAsync(string name, CommandTcpOptions? tcp = null)
    {
        var options = new CommandActorOptions { Tcp = tcp ?? new CommandTcpOptions() };
        var actor = await NamedActors.StartAsync(Sys, Props.Create(() => new TestCamera(options)), name);
        var address = await CallClient.Get(Sys).RequestAsync<string>(actor, new EndpointCall(CommandActor.TcpAddressEndpoint, []), Wait);
        Assert.StartsWith("127.0.0.1:", address, StringComparison.Ordinal);
        return (actor, int.Parse(address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_plain_socket_client_runs_ping_and_reads_clus_json_lines()
    {
        var (_, port) = await StartAsync("tcp-camera");
        await using var client = await LineClient.ConnectAsync(port);

        await client.SendAsync("007 ping");
        var started = await client.ReadJsonAsync();
        var done = await client.ReadJsonAsync();
        await client.SendAsync("ping");
        var noId = await client.ReadJsonAsync();

        Assert.Equal(7, started["header"]!["command_id"]!.GetValue<long>());
        Assert.Equal(">", started["header"]!["message_code"]!.GetValue<string>());
        Assert.True(started["header"]!["internal"]!.GetValue<bool>());
        Assert.Equal("tcp-camera", started["header"]!["sender"]!.GetValue<string>());
        Assert.Empty(started["data"]!.AsObject());
        Assert.Equal(":", done["header"]!["message_code"]!.GetValue<string>());
        Assert.Equal("Pong.", done["data"]!["text"]!.GetValue<string>());
        Assert.Equal(started["header"]!["commander_id"]!.GetValue<string>(), done["header"]!["commander_id"]!.GetValue<string>());
        Assert.Equal(0, noId["header"]!["command_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Blank_lines_get_no_reply_and_bad_lines_get_an_f_reply_while_the_connection_keeps_working()
    {
        var (_, port) = await StartAsync("tcp-camera", new CommandTcpOptions { MaxLineBytes = 64 });
        await using var client = await LineClient.ConnectAsync(port);

        await client.SendAsync("   ");
        await client.SendRawAsync([0xC3, 0x28, (byte)'\n']);
        var invalidUtf8 = await client.ReadJsonAsync();
        await client.SendAsync("1 expose " + new string('x', 100));
        var tooLong = await client.ReadJsonAsync();
        await client.SendAsync("2 expose --note \"open");
        var unbalanced = await client.ReadJsonAsync();
        await client.SendAsync("3 ping");
        var afterwards = await client.ReadJsonAsync();

        Assert.Equal("f", invalidUtf8["header"]!["message_code"]!.GetValue<string>());
        Assert.Contains("UTF-8", invalidUtf8["data"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("longer than 64 bytes", tooLong["data"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Could not parse the following as a command:", unbalanced["data"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, unbalanced["header"]!["command_id"]!.GetValue<long>());
        Assert.Equal(3, afterwards["header"]!["command_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_reply_goes_to_the_commanding_connection_and_a_broadcast_to_every_connection()
    {
        var (actor, port) = await StartAsync("tcp-camera");
        await using var first = await LineClient.ConnectAsync(port);
        await using var second = await LineClient.ConnectAsync(port);
        await AwaitAssertAsync(async () => Assert.Equal(2, (await Counters(actor))[0]), Wait);

        await first.SendAsync("5 announce");
        var firstLines = new[] { await first.ReadJsonAsync(), await first.ReadJsonAsync(), await first.ReadJsonAsync() };
        var broadcast = await second.ReadJsonAsync();
        await second.SendAsync("9 ping");
        var secondsOwn = await second.ReadJsonAsync();

        Assert.Equal(">i:", string.Concat(firstLines.Select(j => j["header"]!["message_code"]!.GetValue<string>())));
        Assert.Equal(("i", 5L, "to all"), (broadcast["header"]!["message_code"]!.GetValue<string>(), broadcast["header"]!["command_id"]!.GetValue<long>(), broadcast["data"]!["text"]!.GetValue<string>()));
        Assert.Equal(firstLines[0]["header"]!["commander_id"]!.GetValue<string>(), broadcast["header"]!["commander_id"]!.GetValue<string>());
        Assert.Equal((">", 9L), (secondsOwn["header"]!["message_code"]!.GetValue<string>(), secondsOwn["header"]!["command_id"]!.GetValue<long>()));
        Assert.NotEqual(broadcast["header"]!["commander_id"]!.GetValue<string>(), secondsOwn["header"]!["commander_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_timed_commands_replies_are_broadcast_to_every_connection()
    {
        var actor = await NamedActors.StartAsync(Sys, Props.Create(() => new TimedCamera()), "timed-camera");
        var address = await CallClient.Get(Sys).RequestAsync<string>(actor, new EndpointCall(CommandActor.TcpAddressEndpoint, []), Wait);
        var port = int.Parse(address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        await using var first = await LineClient.ConnectAsync(port);
        await using var second = await LineClient.ConnectAsync(port);

        var heardByFirst = await first.ReadUntilAsync(j => j["data"]?["temperature"] is not null);
        var heardBySecond = await second.ReadUntilAsync(j => j["data"]?["temperature"] is not null);

        Assert.Equal(".timed-camera", heardByFirst["header"]!["commander_id"]!.GetValue<string>());
        Assert.Equal(".timed-camera", heardBySecond["header"]!["commander_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_client_over_the_connection_limit_is_told_and_closed()
    {
        var (actor, port) = await StartAsync("tcp-camera", new CommandTcpOptions { MaxConnections = 1 });
        await using var first = await LineClient.ConnectAsync(port);
        await AwaitAssertAsync(async () => Assert.Equal(1, (await Counters(actor))[0]), Wait);

        await using var second = await LineClient.ConnectAsync(port);

        Assert.Equal("Max number of connections reached.", await second.ReadLineAsync());
        Assert.Null(await second.ReadLineAsync());
        Assert.Equal(1, (await Counters(actor))[2]);
        await first.SendAsync("ping");
        Assert.Equal(">", (await first.ReadJsonAsync())["header"]!["message_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_client_that_does_not_read_is_dropped_and_counted_while_another_is_served()
    {
        var (actor, port) = await StartAsync("tcp-camera", new CommandTcpOptions { SendQueueCapacity = 4 });
        using var silent = new TcpClient();
        silent.ReceiveBufferSize = 1024;
        await silent.ConnectAsync("127.0.0.1", port);
        await using var reader = await LineClient.ConnectAsync(port);
        await AwaitAssertAsync(async () => Assert.Equal(2, (await Counters(actor))[0]), Wait);

        // Forty thousand replies to its own command (megabytes, more than the kernel's socket buffers on both sides
        // can take whatever their autotuning does) fill the silent client's socket, then its queue of four.
        var line = Encoding.ASCII.GetBytes("1 expose --count 40000 --time 1\n");
        await silent.GetStream().WriteAsync(line);

        await AwaitAssertAsync(async () => Assert.Equal(1, (await Counters(actor))[1]), Wait);
        await reader.SendAsync("2 ping");
        var pong = await reader.ReadUntilAsync(j => j["header"]!["command_id"]!.GetValue<long>() == 2 && j["header"]!["message_code"]!.GetValue<string>() == ":");
        Assert.Equal("Pong.", pong["data"]!["text"]!.GetValue<string>());
    }

    private async Task<long[]> Counters(IActorRef actor) =>
        await CallClient.Get(Sys).RequestAsync<long[]>(actor, new EndpointCall(CommandActor.TcpCountersEndpoint, []), Wait);

    private sealed class TimedCamera : CommandActor
    {
        public TimedCamera()
            : base(new CommandActorOptions { Tcp = new CommandTcpOptions() })
        {
            AddCommand(new System.CommandLine.Command("status"), (command, _) => command.Finish(new Dictionary<string, object?> { ["temperature"] = -10.0 }));
            AddTimedCommand("status", TimeSpan.FromMilliseconds(100));
        }
    }
}
