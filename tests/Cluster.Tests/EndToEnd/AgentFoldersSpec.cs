using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>The stock host runs agents of a project it was not built with, loaded from that project's output folder.</summary>
public sealed class AgentFoldersSpec : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("agent-folders-").FullName;

    // The README's drive.conf, as written there.
    private const string DriveConf = """
        cluster-host.agents {
          drive {
            type = "MyRobot.DriveAgent, MyRobot"
            settings {
              port = "/dev/ttyUSB0"
              max-speed = 1.5
              period = "100 ms"
            }
          }
        }
        """;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteConf(string text)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N")[..6] + ".conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task The_readme_configuration_runs_an_agent_from_an_agents_path_folder_and_call_reaches_it()
    {
        var port = FreePort.Next();
        var group = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        await using var host = NodeProcess.Start("host", NodeProcess.HostDll, ["--agents-path", NodeProcess.MyRobotDir, "--config", WriteConf(DriveConf), "--port", port.ToString(), "--group", group]);
        await host.WaitForLineAsync("cluster up:", StartTimeout);
        string[] seed = ["--seed", $"127.0.0.1:{port}", "--group", group];

        var maxSpeed = await NodeProcess.RunAsync(NodeProcess.HostDll, ["call", "drive", "max-speed", .. seed], VerbTimeout);
        var serialPort = await NodeProcess.RunAsync(NodeProcess.HostDll, ["call", "drive", "port", .. seed], VerbTimeout);

        Assert.True(maxSpeed.ExitCode == 0, maxSpeed.Output + "\nhost:\n" + host.Output);
        Assert.Equal("1.5", maxSpeed.Output.Trim());
        Assert.Equal("\"/dev/ttyUSB0\"", serialPort.Output.Trim());
    }

    [Fact]
    public async Task A_type_not_found_names_the_folders_searched_from_the_configuration_key_and_the_assemblies_seen_there()
    {
        var conf = WriteConf($"""
            cluster-host.agents-path = ["{NodeProcess.MyRobotDir}"]
            cluster-host.agents.drive.type = "MyRobot.NoSuchDrive, MyRobot"
            """);

        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["--config", conf, "--port", "0"], VerbTimeout);

        Assert.True(exitCode == 2, output);
        Assert.Contains("cluster-host.agents.drive.type = 'MyRobot.NoSuchDrive, MyRobot': no such type", output, StringComparison.Ordinal);
        Assert.Contains(NodeProcess.MyRobotDir, output, StringComparison.Ordinal);
        Assert.Contains("agent assemblies MyRobot", output, StringComparison.Ordinal);
        Assert.Contains("Polly.dll", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_agents_path_the_host_says_it_searched_only_its_own_assemblies()
    {
        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["--config", WriteConf(DriveConf), "--port", "0"], VerbTimeout);

        Assert.True(exitCode == 2, output);
        Assert.Contains("no agent folders were given (--agents-path DIR or cluster-host.agents-path)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agents_path_that_does_not_exist_stops_start_up_naming_the_option()
    {
        var missing = Path.Combine(_folder, "no-such-folder");

        var (exitCode, output) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["--agents-path", missing, "--port", "0"], VerbTimeout);

        Assert.True(exitCode == 2, output);
        Assert.Contains($"error: --agents-path = '{missing}': no such folder", output, StringComparison.Ordinal);
    }
}
