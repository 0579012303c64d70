using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>The built Lighthouse and host programs, started as real processes on this machine.</summary>
public sealed class ClusterProcessesSpec
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(15);

    private static async Task<string[]> NodesAsync(int port, string group)
    {
        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["nodes", "--seed", $"127.0.0.1:{port}", "--group", group], VerbTimeout);
        Assert.True(exitCode == 0, $"nodes exited with {exitCode}:\n{output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    // Membership changes take gossip rounds; ask again until the expected view shows or the deadline passes.
    private static async Task<string[]> NodesUntilAsync(int port, string group, Func<string[], bool> expected, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var lines = await NodesAsync(port, group);
        while (!expected(lines))
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"nodes did not show the expected members within {timeout.TotalSeconds} s; last answer:\n{string.Join('\n', lines)}");
            }

            lines = await NodesAsync(port, group);
        }

        return lines;
    }

    [Fact]
    public async Task A_lighthouse_and_two_hosts_form_one_cluster_and_a_killed_host_is_downed_and_removed()
    {
        var group = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        var port = FreePort.Next();
        await using var lighthouse = NodeProcess.Start("lighthouse", NodeProcess.LighthouseDll, ["--port", port.ToString(), "--group", group]);
        await lighthouse.WaitForLineAsync("cluster up:", StartTimeout);

        // One host takes its settings from the environment, as a deployment would.
        await using var hostA = NodeProcess.Start("host-a", NodeProcess.HostDll, ["--demo"], new Dictionary<string, string?>
        {
            ["CLUSTER_SEEDS"] = $"127.0.0.1:{port}",
            ["CLUSTER_GROUP"] = group,
            ["CLUSTER_PORT"] = "0",
        });
        await using var hostB = NodeProcess.Start("host-b", NodeProcess.HostDll, ["--seed", $"127.0.0.1:{port}", "--group", group]);
        await hostA.WaitForLineAsync("cluster up:", StartTimeout);
        await hostB.WaitForLineAsync("cluster up:", StartTimeout);
        var hostBAddress = (await hostB.WaitForLineAsync("listening at", StartTimeout)).Split(' ')[3];

        var members = await NodesUntilAsync(port, group, lines => lines.Count(l => l.Contains(" Up ", StringComparison.Ordinal)) == 3, TimeSpan.FromSeconds(20));
        Assert.Equal(3, members.Length);
        Assert.Contains(members, l => l.StartsWith($"akka.tcp://{group}@127.0.0.1:{port} ", StringComparison.Ordinal) && l.Contains("lighthouse", StringComparison.Ordinal));
        Assert.Equal(2, members.Count(l => l.Contains(" host ", StringComparison.Ordinal)));
        Assert.All(members, l => Assert.Contains("up since 20", l, StringComparison.Ordinal));

        // Heartbeats cross the cluster over pub-sub while the Lighthouse stays out of it.
        await hostA.WaitForLineAsync("devices alive: battery, dashboard, drive", StartTimeout);

        hostB.Kill();

        var remaining = await NodesUntilAsync(port, group, lines => lines.Length == 2, TimeSpan.FromSeconds(45));
        Assert.DoesNotContain(remaining, l => l.StartsWith(hostBAddress, StringComparison.Ordinal));
        Assert.All(remaining, l => Assert.Contains(" Up ", l, StringComparison.Ordinal));
        await hostA.WaitForLineAsync($"member removed: {hostBAddress}", StartTimeout);

        // The killed host's broken connection is logged, but pub-sub gossip never reached the Lighthouse.
        Assert.True(!lighthouse.Output.Contains("serializ", StringComparison.OrdinalIgnoreCase), lighthouse.Output);
    }

    [Fact]
    public async Task The_nodes_verb_never_leaves_a_member_behind()
    {
        var group = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        var port = FreePort.Next();
        await using var lighthouse = NodeProcess.Start("lighthouse", NodeProcess.LighthouseDll, ["--port", port.ToString(), "--group", group]);
        await lighthouse.WaitForLineAsync("cluster up:", StartTimeout);

        for (var i = 0; i < 3; i++)
        {
            var members = await NodesAsync(port, group);
            Assert.Single(members);
            Assert.Contains(" Up ", members[0], StringComparison.Ordinal);
        }

        Assert.DoesNotContain("unreachable", lighthouse.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_nodes_verb_says_when_it_cannot_reach_the_seed_and_exits_non_zero()
    {
        var port = FreePort.Next();

        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["nodes", "--seed", $"127.0.0.1:{port}"], VerbTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"cannot reach 127.0.0.1:{port}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_default_comes_up_with_heartbeats_and_leaves_gracefully_on_sigterm()
    {
        var port = FreePort.Next();
        await using var host = NodeProcess.Start("embedded", NodeProcess.HostDll, ["--port", port.ToString()]);

        await host.WaitForLineAsync("cluster up:", StartTimeout);
        await host.WaitForLineAsync("member up:", StartTimeout);
        await host.WaitForLineAsync("devices alive:", StartTimeout);
        host.Terminate();
        await host.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, host.ExitCode);
        Assert.Contains("member leaving:", host.Output, StringComparison.Ordinal);
        Assert.Contains("Host stopped", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_configured_with_an_unknown_agent_type_exits_non_zero_naming_the_key_and_the_type()
    {
        var config = Path.Combine(Path.GetTempPath(), $"bad-agents-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(config, """cluster-host.agents.drive.type = "MyRobot.NoSuchDrive, MyRobot" """);
        try
        {
            var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["--config", config, "--port", "0"], VerbTimeout);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("cluster-host.agents.drive.type", output, StringComparison.Ordinal);
            Assert.Contains("MyRobot.NoSuchDrive, MyRobot", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
