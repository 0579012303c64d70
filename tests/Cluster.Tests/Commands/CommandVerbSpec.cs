using System.Text.Json.Nodes;
using Cluster.Tests.EndToEnd;
using Xunit;

namespace Cluster.Tests.Commands;

/// <summary>The <c>command</c> verb against the demo camera of a host running as a real process.</summary>
public sealed class CommandVerbSpec(LighthouseAndDemoHost cluster) : IClassFixture<LighthouseAndDemoHost>
{
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(20);

    private Task<(int ExitCode, string Output)> CommandAsync(params string[] arguments) =>
        NodeProcess.RunAsync(NodeProcess.HostDll, ["command", .. arguments, "--seed", $"127.0.0.1:{cluster.Port}", "--group", cluster.Group], VerbTimeout);

    private static List<JsonObject> JsonLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!.AsObject())];

    [Fact]
    public async Task The_verb_prints_each_reply_of_the_demo_cameras_exposure_and_exits_zero_when_done()
    {
        var (exitCode, output) = await CommandAsync("camera", "expose --time 0.2");

        Assert.True(exitCode == 0, output);
        var lines = JsonLines(output);
        Assert.Equal(">ii:", string.Concat(lines.Select(l => l["header"]!["message_code"]!.GetValue<string>())));
        Assert.StartsWith("frame-", lines[^1]["data"]!["filename"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("camera", "explode", "does not exist or cannot be parsed")]
    [InlineData("camera", "abort", "No exposure in progress.")]
    [InlineData("nobody", "ping", "'nobody'")]
    public async Task The_verb_exits_one_when_the_command_fails(string actor, string commandString, string expected)
    {
        var (exitCode, output) = await CommandAsync(actor, commandString);

        Assert.True(exitCode == 1, output);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verb_exits_two_on_an_empty_command_string()
    {
        var (exitCode, output) = await CommandAsync("camera", " ");

        Assert.True(exitCode == 2, output);
        Assert.Contains("the command string is empty", output, StringComparison.Ordinal);
    }
}
