using Cluster.Agents.Core.ClusterTime;
using Cluster.Tests.EndToEnd;
using Xunit;

namespace Cluster.Tests.Clocks;

/// <summary>The clock verbs against a Lighthouse and two hosts running as real processes, one of them with the clock source.</summary>
public sealed class ClockVerbsSpec
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(40);

    private const string SourceConfig = """
        cluster-node.clock.mode = follow
        cluster-host.agents.clock {
          type = "Cluster.Agents.Core.ClusterTime.ClockSource, Cluster.Agents.Core"
          settings { mode = step, increment = "10 ms" }
        }
        """;

    private static Task<(int ExitCode, string Output)> ClockAsync(int port, string group, params string[] verb) =>
        NodeProcess.RunAsync(NodeProcess.HostDll, ["clock", .. verb, "--seed", $"127.0.0.1:{port}", "--group", group], VerbTimeout);

    private static async Task<string> SucceedsAsync(int port, string group, params string[] verb)
    {
        var (exitCode, output) = await ClockAsync(port, group, verb);
        Assert.True(exitCode == 0, $"clock {string.Join(' ', verb)} exited with {exitCode}:\n{output}");
        return output;
    }

    [Fact]
    public async Task The_clock_verbs_read_step_run_and_pause_the_clock_source_of_a_cluster_of_processes()
    {
        var group = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        var port = FreePort.Next();
        var config = Path.Combine(Path.GetTempPath(), $"clock-source-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(config, SourceConfig);
        try
        {
            await using var lighthouse = NodeProcess.Start("lighthouse", NodeProcess.LighthouseDll, ["--port", port.ToString(), "--group", group]);
            await lighthouse.WaitForLineAsync("cluster up:", StartTimeout);
            await using var plain = NodeProcess.Start("plain-host", NodeProcess.HostDll, ["--seed", $"127.0.0.1:{port}", "--group", group]);
            await plain.WaitForLineAsync("cluster up:", StartTimeout);

            var (noSourceExit, noSourceOutput) = await ClockAsync(port, group, "status");
            Assert.True(noSourceExit != 0, noSourceOutput);
            Assert.Contains($"no clock source is running in cluster '{group}'", noSourceOutput, StringComparison.Ordinal);

            await using var sourceHost = NodeProcess.Start("source-host", NodeProcess.HostDll, ["--seed", $"127.0.0.1:{port}", "--group", group, "--config", config]);
            await sourceHost.WaitForLineAsync("cluster up:", StartTimeout);

            var status = await SucceedsAsync(port, group, "status");
            Assert.Contains("mode: step", status, StringComparison.Ordinal);
            Assert.Contains("time: 0 s", status, StringComparison.Ordinal);
            Assert.Contains("/user/clock", status, StringComparison.Ordinal);

            var stepped = await SucceedsAsync(port, group, "step", "1 s");
            Assert.Contains("time: 1 s", stepped, StringComparison.Ordinal);

            var after = await SucceedsAsync(port, group, "status");
            Assert.Contains("mode: step", after, StringComparison.Ordinal);
            Assert.Contains("time: 1 s", after, StringComparison.Ordinal);
            Assert.Contains("followers: 1", after, StringComparison.Ordinal);

            var running = await SucceedsAsync(port, group, "run", "--rate", "10");
            Assert.Contains("mode: run", running, StringComparison.Ordinal);
            Assert.Contains("rate: 10x real time", running, StringComparison.Ordinal);

            var paused = await SucceedsAsync(port, group, "pause");
            Assert.Contains("mode: pause", paused, StringComparison.Ordinal);

            var (badExit, badOutput) = await ClockAsync(port, group, "step", "soon");
            Assert.True(badExit != 0, badOutput);
            Assert.Contains("'soon' is not a duration", badOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
