using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>The path verbs against a Lighthouse and a demo host running as real processes, whose rover exposes ESHET paths.</summary>
public sealed class PathsEndToEndSpec(LighthouseAndDemoHost cluster) : IClassFixture<LighthouseAndDemoHost>
{
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private string[] Seed => ["--seed", $"127.0.0.1:{cluster.Port}", "--group", cluster.Group];

    private async Task<(int ExitCode, string Output)> VerbAsync(params string[] arguments)
    {
        await cluster.Host.WaitForLineAsync("The rover's paths are registered under /rover.", StartTimeout);
        return await NodeProcess.RunAsync(NodeProcess.HostDll, [.. arguments, .. Seed], VerbTimeout);
    }

    [Fact]
    public async Task Paths_prints_the_tree_with_each_leafs_kind_and_owner()
    {
        var (exitCode, output) = await VerbAsync("paths");

        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("rover/", lines);
        Assert.Contains(lines, l => l.StartsWith("voltage  state  owner paths-rover-paths-", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("home  action", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("max_speed  property", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("alerts  event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task State_get_prints_the_voltage_and_action_call_prints_the_result_as_json()
    {
        var (getCode, voltage) = await VerbAsync("state", "get", "/rover/battery/voltage");
        var (callCode, result) = await VerbAsync("action", "call", "/rover/arm/home");

        Assert.True(getCode == 0, voltage);
        Assert.InRange(double.Parse(voltage.Trim(), System.Globalization.CultureInfo.InvariantCulture), 10.5, 12.6);
        Assert.True(callCode == 0, result);
        Assert.Equal("\"homed\"", result.Trim());
    }

    [Fact]
    public async Task Prop_set_then_get_round_trips_and_a_refused_value_exits_1_with_the_setters_message()
    {
        var (setCode, setOutput) = await VerbAsync("prop", "set", "/rover/drive/max_speed", "2.5");
        var (getCode, value) = await VerbAsync("prop", "get", "/rover/drive/max_speed");
        var (refusedCode, refused) = await VerbAsync("prop", "set", "/rover/drive/max_speed", "9");

        Assert.True(setCode == 0, setOutput);
        Assert.True(getCode == 0, value);
        Assert.Equal("2.5", value.Trim());
        Assert.Equal(1, refusedCode);
        Assert.Contains("max_speed must be between 0 and 3 m/s", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_exit_1_with_eshets_name_and_bad_input_exits_2()
    {
        var (missingCode, missing) = await VerbAsync("action", "call", "/rover/arm/nothing");
        var (wrongCode, wrong) = await VerbAsync("state", "get", "/rover/arm/home");
        var (badPathCode, badPath) = await VerbAsync("state", "get", "rover//x");
        var (badJsonCode, badJson) = await VerbAsync("state", "set", "/rover/battery/voltage", "{oops");

        Assert.Equal(1, missingCode);
        Assert.Contains("path_not_found", missing, StringComparison.Ordinal);
        Assert.Equal(1, wrongCode);
        Assert.Contains("wrong_type_of_node", wrong, StringComparison.Ordinal);
        Assert.Equal(2, badPathCode);
        Assert.Contains("rover//x", badPath, StringComparison.Ordinal);
        Assert.Equal(2, badJsonCode);
        Assert.Contains("error:", badJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_watch_prints_the_current_value_then_changes_and_event_listen_prints_an_emitted_event()
    {
        var watch = VerbAsync("state", "watch", "/rover/battery/voltage", "--count", "2");
        await using var listen = NodeProcess.Start("listen", NodeProcess.HostDll, ["event", "listen", "/rover/alerts", "--count", "1", .. Seed]);

        var (watchCode, values) = await watch;
        Assert.True(watchCode == 0, values);
        var lines = values.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("{\"known\":true,\"value\":", l, StringComparison.Ordinal));

        // The listener subscribes before it can hear anything; homing the arm emits until it has heard one.
        var heard = listen.WaitForLineAsync("\"arm homed\"", VerbTimeout);
        while (!heard.IsCompleted)
        {
            await VerbAsync("action", "call", "/rover/arm/home");
        }

        await heard;
        await listen.WaitForExitAsync(VerbTimeout);
        Assert.Equal(0, listen.ExitCode);
    }
}
