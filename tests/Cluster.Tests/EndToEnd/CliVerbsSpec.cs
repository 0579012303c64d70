using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cluster.Agents.Operator;
using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>
/// The operator verbs as a person and a script meet them, against a Lighthouse and a demo host running as real processes:
/// one exit-code rule with our own wording, every seed tried, errors that name what failed, --json, doctor and completion.
/// </summary>
public sealed class CliVerbsSpec(LighthouseAndDemoHost cluster) : IClassFixture<LighthouseAndDemoHost>
{
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(30);

    private string Lighthouse => $"127.0.0.1:{cluster.Port}";

    private string[] Seed => ["--seed", Lighthouse, "--group", cluster.Group];

    private static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        NodeProcess.RunAsync(NodeProcess.HostDll, arguments, VerbTimeout);

    private static void AssertNoStackTraceOrClrType(string output)
    {
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", output, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Usage:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_node_serves_the_verbs_on_a_local_socket_that_greets_with_its_group()
    {
        var path = OperatorSocket.PathFor("127.0.0.1", cluster.Port);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using var reader = new StreamReader(new NetworkStream(socket), Encoding.UTF8);
        using var hello = JsonDocument.Parse((await reader.ReadLineAsync())!);

        Assert.Equal(cluster.Group, hello.RootElement.GetProperty("Group").GetString());
        Assert.Equal($"akka.tcp://{cluster.Group}@{Lighthouse}", hello.RootElement.GetProperty("Address").GetString());
        Assert.True(hello.RootElement.GetProperty("Joined").GetBoolean());
    }

    [Theory]
    [InlineData("--count: 'abc' is not a whole number.", "topic", "echo", "x", "--count", "abc")]
    [InlineData("--rate: 'fast' is not a number.", "clock", "run", "--rate", "fast")]
    [InlineData("wildcard character", "topic", "pub", "a/*", "1")]
    [InlineData("'soon' is not a duration", "clock", "step", "soon")]
    [InlineData("not valid JSON", "call", "drive", "set-speed", "{bad")]
    public async Task Bad_input_exits_2_in_our_own_words_before_connecting(string expected, params string[] verb)
    {
        // The only seed is one nothing listens on: an input error must be found before any connection is tried.
        var (exitCode, output) = await RunAsync([.. verb, "--seed", "127.0.0.1:1"]);

        Assert.True(exitCode == 2, output);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach", output, StringComparison.Ordinal);
        AssertNoStackTraceOrClrType(output);
    }

    [Fact]
    public async Task A_verb_tries_each_seed_in_order_until_one_answers()
    {
        var (exitCode, output) = await RunAsync("nodes", "--seed", "127.0.0.1:1", "--seed", Lighthouse, "--group", cluster.Group);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"akka.tcp://{cluster.Group}@{Lighthouse} ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verb_with_the_wrong_group_names_the_group_the_node_is_in()
    {
        var (exitCode, output) = await RunAsync("nodes", "--seed", Lighthouse, "--group", "not-" + cluster.Group);

        Assert.True(exitCode == 1, output);
        Assert.Contains($"is in group '{cluster.Group}', not 'not-{cluster.Group}'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_handler_prints_one_line_naming_the_device_and_node_without_a_stack_trace()
    {
        var (exitCode, output) = await RunAsync(["call", "drive", "set-speed", "9", .. Seed]);

        Assert.True(exitCode == 1, output);
        Assert.Contains("The drive's speed must be between -2 and 2 m/s.", output, StringComparison.Ordinal);
        Assert.Contains("in 'drive' on akka.tcp://", output, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agents_unknown_member_lists_the_members_that_exist()
    {
        var (_, agents) = await RunAsync(["agents", .. Seed]);
        var driveControl = agents.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.Contains("/drive-control", StringComparison.Ordinal)).Split(' ')[0];

        var (exitCode, output) = await RunAsync(["call", driveControl, "nosuch", .. Seed]);

        Assert.True(exitCode == 1, output);
        Assert.Contains("has no endpoint 'nosuch'; its endpoints: SetSpeed.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typed_payload_missing_a_required_field_is_refused_with_exit_2_naming_the_field()
    {
        var (exitCode, output) = await RunAsync(["topic", "pub", "--type", "Cluster.Host.Demo.Odometry, Cluster.Host", "odo", """{"X": 1.0}""", .. Seed]);

        Assert.True(exitCode == 2, output);
        Assert.Contains("the field 'Speed' of Odometry is missing", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nodes")]
    [InlineData("agents")]
    [InlineData("topic", "list")]
    [InlineData("paths")]
    public async Task Json_prints_one_document_a_script_can_read(params string[] verb)
    {
        var (exitCode, output) = await RunAsync([.. verb, "--json", .. Seed]);

        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var json = JsonDocument.Parse(Assert.Single(lines));
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Fact]
    public async Task Json_errors_are_one_document_with_the_exit_code()
    {
        var (exitCode, output) = await RunAsync("nodes", "--json", "--seed", "127.0.0.1:1");

        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal(1, json.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("cannot reach 127.0.0.1:1", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_finds_nothing_wrong_with_a_healthy_cluster()
    {
        var (exitCode, output) = await RunAsync(["doctor", .. Seed]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("no problem found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_names_a_wrong_group_an_unreachable_seed_an_address_mismatch_and_a_taken_port_each_with_a_fix()
    {
        var (exitCode, output) = await RunAsync(
            "doctor", "--group", "not-" + cluster.Group, "--port", cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seed", "127.0.0.1:1", "--seed", Lighthouse, "--seed", $"localhost:{cluster.Port}", "--json");

        Assert.True(exitCode == 1, output);
        using var json = JsonDocument.Parse(output.Trim());
        var findings = json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (Kind: f.GetProperty("kind").GetString(), Problem: f.GetProperty("problem").GetString()!, Fix: f.GetProperty("fix").GetString()!))
            .ToList();
        Assert.Contains(findings, f => f.Kind == "port taken" && f.Problem.Contains(Lighthouse, StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == "unreachable seed" && f.Problem.Contains("127.0.0.1:1", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == "wrong group" && f.Fix.Contains($"--group {cluster.Group}", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind is "address mismatch" or "wrong group" && f.Problem.Contains($"localhost:{cluster.Port}", StringComparison.Ordinal));
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Fix)));
    }

    [Fact]
    public async Task Completion_prints_a_bash_script_and_the_suggest_directive_lists_verbs_and_options()
    {
        var (scriptCode, script) = await RunAsync("completion", "bash");
        var (verbsCode, verbs) = await RunAsync("[suggest:2]", "to");
        var (optionsCode, options) = await RunAsync("[suggest:21]", "cluster-host nodes --");

        Assert.True(scriptCode == 0, script);
        Assert.Contains("complete -o default -F", script, StringComparison.Ordinal);
        Assert.True(verbsCode == 0, verbs);
        Assert.Contains("topic", verbs.Split('\n', StringSplitOptions.TrimEntries));
        Assert.True(optionsCode == 0, options);
        Assert.Contains("--json", options.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("--seed", options.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Completion_of_a_topic_argument_lists_the_clusters_topics()
    {
        await using var suggest = NodeProcess.Start(
            "suggest",
            NodeProcess.HostDll,
            ["[suggest:14]", "topic echo dri"],
            new Dictionary<string, string?> { ["CLUSTER_SEEDS"] = Lighthouse, ["CLUSTER_GROUP"] = cluster.Group });
        await suggest.WaitForExitAsync(VerbTimeout);

        Assert.True(suggest.ExitCode == 0, suggest.Output);
        Assert.Contains("drive/odometry", suggest.Lines.Select(l => l.Trim()));
        Assert.DoesNotContain("battery/voltage", suggest.Lines.Select(l => l.Trim()));
    }
}
