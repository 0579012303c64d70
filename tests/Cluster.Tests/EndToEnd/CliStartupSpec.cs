using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>
/// Start-up errors of the real programs: bad input stops a node with exit code 2 and a message that names the place
/// (address and port, file, line and column, key), never a stack trace; a node that cannot join says why.
/// </summary>
public sealed class CliStartupSpec
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unable to start", output, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", output, StringComparison.Ordinal);
    }

    public static TheoryData<string> Programs => new() { "host", "lighthouse" };

    private static string Dll(string program) => program == "host" ? NodeProcess.HostDll : NodeProcess.LighthouseDll;

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task A_node_on_a_port_already_taken_exits_2_naming_the_address_and_port(string program)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await NodeProcess.RunAsync(Dll(program), ["--port", port.ToString(CultureInfo.InvariantCulture), "--group", "taken"], RunTimeout);

        Assert.True(exitCode == 2, output);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}: the port is already taken", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task A_node_given_an_address_that_is_not_this_computers_exits_2_without_a_stack_trace(string program)
    {
        // 192.0.2.0/24 is reserved for documentation: no interface has it.
        var (exitCode, output) = await NodeProcess.RunAsync(Dll(program), ["--ip", "192.0.2.1", "--port", "0"], RunTimeout);

        Assert.True(exitCode == 2, output);
        Assert.Contains("cannot listen on 192.0.2.1: it is not an address of this computer", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task A_malformed_number_exits_2_in_our_own_words_without_the_help(string program)
    {
        var (exitCode, output) = await NodeProcess.RunAsync(Dll(program), ["--port", "abc"], RunTimeout);

        Assert.True(exitCode == 2, output);
        Assert.Contains("--port: 'abc' is not a whole number.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Usage:", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Theory]
    [InlineData("cluster-host.agents {\n  drive.type = \"x\"\n", 1, 21, "this '{' is never closed")]
    [InlineData("a { b = 1 }}}}\n", 1, 12, "this '}' closes nothing")]
    [InlineData("a = [ ,, ]\n", 1, 7, "an empty element in a list")]
    [InlineData("a {\n  b =\n}\n", 2, 5, "a value is missing after '='")]
    public async Task A_hocon_syntax_error_stops_the_host_with_exit_2_and_the_file_line_and_column(string text, int line, int column, string problem)
    {
        var config = Path.Combine(Path.GetTempPath(), $"syntax-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(config, text);
        try
        {
            var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["--config", config, "--port", "0"], RunTimeout);

            Assert.True(exitCode == 2, output);
            Assert.Contains($"{config}:{line}:{column}: HOCON syntax error: {problem}", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task An_unknown_clock_mode_exits_2_naming_the_key_without_a_stack_trace()
    {
        var config = Path.Combine(Path.GetTempPath(), $"warp-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(config, "cluster-node.clock.mode = warp\n");
        try
        {
            var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["--config", config, "--port", "0"], RunTimeout);

            Assert.True(exitCode == 2, output);
            Assert.Contains("cluster-node.clock.mode = 'warp': unknown clock mode", output, StringComparison.Ordinal);
            AssertNoStackTrace(output);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task A_host_whose_group_differs_from_its_seeds_says_so_and_verbs_say_it_never_joined()
    {
        var group = "right-" + Guid.NewGuid().ToString("N")[..6];
        var port = FreePort.Next();
        await using var lighthouse = NodeProcess.Start("lighthouse", NodeProcess.LighthouseDll, ["--port", port.ToString(CultureInfo.InvariantCulture), "--group", group]);
        await lighthouse.WaitForLineAsync("cluster up:", StartTimeout);
        await using var host = NodeProcess.Start("host", NodeProcess.HostDll, ["--port", "0", "--seed", $"127.0.0.1:{port}", "--group", "wrong-" + group]);
        var hostPort = (await host.WaitForLineAsync("listening at", StartTimeout)).Split(' ')[3].Split(':')[^1];

        var warning = await host.WaitForLineAsync("warning: not joined", StartTimeout);
        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["nodes", "--seed", $"127.0.0.1:{hostPort}", "--group", "wrong-" + group], RunTimeout);
        host.Terminate();
        await host.WaitForExitAsync(StartTimeout);

        Assert.Contains($"wrong group: the seed 127.0.0.1:{port} is in group '{group}', not 'wrong-{group}'", warning, StringComparison.Ordinal);
        Assert.True(exitCode == 1, output);
        Assert.Contains($"the node at 127.0.0.1:{hostPort} has not joined a cluster", output, StringComparison.Ordinal);
        Assert.Contains($"it never joined cluster 'wrong-{group}'", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("left the cluster", host.Output, StringComparison.Ordinal);
    }
}
