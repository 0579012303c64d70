using System.Text.Json;
using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>A Lighthouse and a demo host running as real processes, shared by the tests of a class.</summary>
public sealed class LighthouseAndDemoHost : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private NodeProcess _lighthouse = null!;

    /// <summary>Gets the cluster's group.</summary>
    public string Group { get; } = "e2e-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>Gets the Lighthouse's port.</summary>
    public int Port { get; } = FreePort.Next();

    /// <summary>Gets the demo host.</summary>
    public NodeProcess Host { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _lighthouse = NodeProcess.Start("lighthouse", NodeProcess.LighthouseDll, ["--port", Port.ToString(), "--group", Group]);
        await _lighthouse.WaitForLineAsync("cluster up:", StartTimeout);
        Host = NodeProcess.Start("host", NodeProcess.HostDll, ["--demo", "--seed", $"127.0.0.1:{Port}", "--group", Group]);
        await Host.WaitForLineAsync("devices alive: battery, dashboard, drive", StartTimeout);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _lighthouse.DisposeAsync();
    }
}

/// <summary>The topic and call verbs against a Lighthouse and a demo host running as real processes; the verbs ask the Lighthouse, which hands topic work to the host.</summary>
public sealed class OperatorVerbsSpec(LighthouseAndDemoHost cluster) : IClassFixture<LighthouseAndDemoHost>
{
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(20);

    private string[] Seed => ["--seed", $"127.0.0.1:{cluster.Port}", "--group", cluster.Group];

    private Task<(int ExitCode, string Output)> TopicAsync(params string[] arguments) =>
        NodeProcess.RunAsync(NodeProcess.HostDll, ["topic", .. arguments, .. Seed], VerbTimeout);

    [Fact]
    public async Task Topic_list_shows_published_topics_and_subscribed_patterns()
    {
        var (exitCode, output) = await TopicAsync("list");

        Assert.True(exitCode == 0, output);
        Assert.Contains("drive/heartbeat", output.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("drive/odometry", output.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("*/heartbeat  (pattern)", output.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Topic_echo_prints_one_json_line_per_message_and_stops_after_count()
    {
        var (exitCode, output) = await TopicAsync("echo", "*/heartbeat", "--count", "2");

        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var sender = json.RootElement.GetProperty("sender").GetString();
            Assert.Contains(sender, new[] { "drive", "battery", "dashboard" });
            Assert.Equal($"{sender}/heartbeat", json.RootElement.GetProperty("topic").GetString());
            Assert.True(json.RootElement.GetProperty("payload").GetProperty("Sequence").GetInt64() > 0);
        }
    }

    [Fact]
    public async Task Topic_pub_reaches_a_running_echo()
    {
        await using var echo = NodeProcess.Start("echo", NodeProcess.HostDll, ["topic", "echo", "cmd/*", "--count", "1", .. Seed]);

        // The echo is subscribed once its pattern is known cluster-wide; publish until it has seen one.
        using var deadline = new CancellationTokenSource(VerbTimeout);
        do
        {
            var (exitCode, output) = await TopicAsync("pub", "cmd/speed", """{"speed": 1.5}""");
            Assert.True(exitCode == 0, output);
            Assert.False(deadline.IsCancellationRequested, $"echo saw nothing:\n{echo.Output}");
        }
        while (!await echo.TryWaitForExitAsync(TimeSpan.FromSeconds(1)));

        Assert.Equal(0, echo.ExitCode);
        using var json = JsonDocument.Parse(echo.Output.Trim().Split('\n')[0]);
        Assert.Equal("cmd/speed", json.RootElement.GetProperty("topic").GetString());
        Assert.Equal(1.5, json.RootElement.GetProperty("payload").GetProperty("speed").GetDouble());
    }

    [Fact]
    public async Task Topic_hz_reports_the_rate_of_each_matching_topic()
    {
        var (exitCode, output) = await TopicAsync("hz", "drive/*", "--seconds", "3");

        Assert.True(exitCode == 0, output);
        Assert.Contains("drive/odometry", output, StringComparison.Ordinal);
        Assert.Contains("drive/heartbeat", output, StringComparison.Ordinal);
        Assert.Contains(" Hz ", output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> CallAsync(params string[] arguments) =>
        NodeProcess.RunAsync(NodeProcess.HostDll, ["call", .. arguments, .. Seed], VerbTimeout);

    [Fact]
    public async Task Call_requests_a_device_endpoint_with_json_arguments_and_prints_the_answer()
    {
        var (setCode, setOutput) = await CallAsync("drive", "set-speed", "1.25");
        var (getCode, getOutput) = await CallAsync("drive", "speed");

        Assert.True(setCode == 0, setOutput);
        Assert.Equal("1.25", setOutput.Trim());
        Assert.True(getCode == 0, getOutput);
        // The demo's planner sets the speed from its plan every 8 s, so it may have set it between the two calls.
        Assert.Contains(getOutput.Trim(), new[] { "1.25", "0.5", "1", "1.5" });
    }

    [Theory]
    [InlineData("nobody speed", "No device or agent named 'nobody'")]
    [InlineData("drive sped", "'drive' has no endpoint 'sped'; its endpoints: set-speed, speed.")]
    [InlineData("drive set-speed 9", "The drive's speed must be between -2 and 2 m/s.")]
    [InlineData("drive set-speed {bad", "not valid JSON")]
    public async Task Call_prints_the_error_and_exits_non_zero(string arguments, string expected)
    {
        var (exitCode, output) = await CallAsync(arguments.Split(' '));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pub", "bad/*", "1", "wildcard")]
    [InlineData("pub", "x", "{bad", "not valid JSON")]
    [InlineData("echo", "x[", null, "unclosed")]
    public async Task Topic_verbs_refuse_bad_input_with_a_clear_error_and_a_non_zero_exit(string verb, string first, string? second, string expected)
    {
        var (exitCode, output) = second is null ? await TopicAsync(verb, first) : await TopicAsync(verb, first, second);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
