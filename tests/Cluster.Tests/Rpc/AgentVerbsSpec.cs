using Cluster.Host.Demo;
using Cluster.Tests.EndToEnd;
using Xunit;

namespace Cluster.Tests.Rpc;

/// <summary>The <c>agents</c> and agent <c>call</c> verbs against a Lighthouse and a demo host running as real processes.</summary>
public sealed class AgentVerbsSpec(LighthouseAndDemoHost cluster) : IClassFixture<LighthouseAndDemoHost>
{
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(20);

    private string[] Seed => ["--seed", $"127.0.0.1:{cluster.Port}", "--group", cluster.Group];

    [Fact]
    public async Task Agents_lists_the_demo_agents_with_address_and_type()
    {
        var lines = await AgentLinesAsync();

        Assert.Contains(lines, line => line.Contains($"agent://{cluster.Group}@127.0.0.1:", StringComparison.Ordinal)
            && line.Contains("/drive-control ", StringComparison.Ordinal) && line.EndsWith("Cluster.Host.Demo.DriveControl", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("/planner ", StringComparison.Ordinal) && line.EndsWith("Cluster.Host.Demo.Planner", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Call_with_an_agent_address_calls_the_member_by_path_with_json_arguments()
    {
        var driveControl = (await AgentLinesAsync()).Select(line => line.Split(' ')[0]).Single(a => a.EndsWith("/drive-control", StringComparison.Ordinal));

        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["call", driveControl, "set-speed", "1.2", .. Seed], VerbTimeout);

        Assert.True(exitCode == 0, output);
        Assert.Equal("1.2", output.Trim());
    }

    [Theory]
    [InlineData("/999 status", "Agent '999' does not exist in container agent://")]
    [InlineData("/drive-control brake", "/drive-control' has no endpoint 'brake'; its endpoints: SetSpeed.")]
    public async Task Call_of_a_missing_agent_or_member_prints_the_error_and_exits_non_zero(string suffix, string expected)
    {
        var driveControl = (await AgentLinesAsync()).Select(line => line.Split(' ')[0]).Single(a => a.EndsWith("/drive-control", StringComparison.Ordinal));
        var container = driveControl[..driveControl.LastIndexOf('/')];
        var parts = suffix.Split(' ');

        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["call", container + parts[0], parts[1], .. Seed], VerbTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_planner_sets_the_drive_speed_through_its_proxy_and_logs_it()
    {
        var line = await cluster.Host.WaitForLineAsync("planner: drive speed set to", TimeSpan.FromSeconds(30));

        Assert.Contains("/drive-control", line, StringComparison.Ordinal);
    }

    private async Task<string[]> AgentLinesAsync()
    {
        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["agents", .. Seed], VerbTimeout);
        Assert.True(exitCode == 0, output);
        return output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }
}
