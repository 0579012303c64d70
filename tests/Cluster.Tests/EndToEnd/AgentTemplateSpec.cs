using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using Cluster.Agents.Core.Configuration;
using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>
/// The README's "Write your own agent", command by command, offline: the packages go to a local folder feed, the
/// template is installed into a hive of its own, the new project restores from that feed and the machine's package
/// folder, and its agents run beside the demo robot in their own program and in the stock host.
/// </summary>
public sealed class AgentTemplateSpec : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan SdkTimeout = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _root = Directory.CreateTempSubdirectory("cluster-agent-").FullName;
    private readonly Dictionary<string, string?> _sdkEnvironment;

    public AgentTemplateSpec()
    {
        // Our packages land in a package folder of the test's own; everything else comes from the machine's, unchanged.
        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(_root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        _sdkEnvironment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Path.Combine(_root, "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // No build server or MSBuild node may outlive the command that started it.
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["UseSharedCompilation"] = "false",
        };
    }

    private string Feed => Path.Combine(_root, "cluster-feed");

    private string Project => Path.Combine(_root, "MyRobot");

    private string Output => Path.Combine(Project, "MyRobot", "bin", "Debug", "net10.0");

    private static string Version => typeof(TypeNames).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "?";

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<string> SdkAsync(string name, string workingDirectory, params string[] arguments)
    {
        await using var process = NodeProcess.StartDotnet(name, arguments, _sdkEnvironment, workingDirectory, SdkTimeout + TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(SdkTimeout);
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{process.Output}");
        return process.Output;
    }

    private static Task<(int ExitCode, string Output)> VerbAsync(int port, string group, params string[] arguments) =>
        NodeProcess.RunAsync(NodeProcess.HostDll, [.. arguments, "--seed", $"127.0.0.1:{port}", "--group", group], VerbTimeout);

    // A new node's names reach the seed by gossip; ask again until the answer comes or the deadline passes.
    private static async Task<string> VerbUntilAsync(int port, string group, params string[] arguments)
    {
        using var deadline = new CancellationTokenSource(Patience);
        var (exitCode, output) = await VerbAsync(port, group, arguments);
        while (exitCode != 0 && !deadline.IsCancellationRequested)
        {
            (exitCode, output) = await VerbAsync(port, group, arguments);
        }

        Assert.True(exitCode == 0, $"{string.Join(' ', arguments)} exited with {exitCode}:\n{output}");
        return output.Trim();
    }

    private static async Task<(NodeProcess Demo, int Port, string Group)> StartDemoRobotAsync(string name)
    {
        var port = FreePort.Next();
        var group = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        var demo = NodeProcess.Start(name, NodeProcess.HostDll, ["--port", port.ToString(), "--group", group]);
        await demo.WaitForLineAsync("cluster up:", StartTimeout);
        return (demo, port, group);
    }

    [Fact]
    public async Task A_team_packs_installs_the_template_tests_its_project_and_runs_its_agents_beside_the_demo_robot()
    {
        // 1. dotnet pack Cluster.sln -o ~/cluster-feed (built already, so without building again)
        await SdkAsync("pack", NodeProcess.RepositoryRoot, "pack", "Cluster.sln", "-c", NodeProcess.Configuration, "--no-build", "-o", Feed);
        AssertPackages();

        // 2. dotnet new install ~/cluster-feed/Cluster.Agents.Templates.<version>.nupkg
        var hive = Path.Combine(_root, "hive");
        await SdkAsync("new-install", _root, "new", "install", Path.Combine(Feed, $"Cluster.Agents.Templates.{Version}.nupkg"), "--debug:custom-hive", hive);

        // 3. dotnet new cluster-agent -n MyRobot --feed ~/cluster-feed
        await SdkAsync("new", _root, "new", "cluster-agent", "-n", "MyRobot", "--feed", Feed, "--debug:custom-hive", hive);
        Assert.Contains($"Include=\"Cluster.Agents.Cli\" Version=\"{Version}\"", await File.ReadAllTextAsync(Path.Combine(Project, "MyRobot", "MyRobot.csproj")), StringComparison.Ordinal);

        // 4. dotnet test MyRobot
        var tests = await SdkAsync("test", _root, "test", "MyRobot");
        Assert.Contains("Passed!", tests, StringComparison.Ordinal);

        // 5. the team's program beside the demo robot; and, instead, the stock host with --agents-path beside another.
        var own = StartDemoRobotAsync("demo-a");
        var stock = StartDemoRobotAsync("demo-b");
        var (demoA, portA, groupA) = await own;
        var (demoB, portB, groupB) = await stock;
        await using (demoA)
        await using (demoB)
        {
            await using var program = NodeProcess.Start("my-robot", Path.Combine(Output, "MyRobot.dll"), ["--seed", $"127.0.0.1:{portA}", "--group", groupA]);
            await using var host = NodeProcess.Start("stock-host", NodeProcess.HostDll, ["--seed", $"127.0.0.1:{portB}", "--group", groupB, "--agents-path", Output, "--config", Path.Combine(Project, "MyRobot", "agents.conf")]);
            await program.WaitForLineAsync("cluster up:", StartTimeout);
            await host.WaitForLineAsync("cluster up:", StartTimeout);

            foreach (var (port, group) in new[] { (portA, groupA), (portB, groupB) })
            {
                Assert.Equal("0.5", await VerbUntilAsync(port, group, "call", "arm", "extend", "0.5"));
                var planner = (await VerbUntilAsync(port, group, "agents")).Split('\n').Single(line => line.Contains("/arm-planner ", StringComparison.Ordinal)).Split(' ')[0];
                Assert.Equal("0.25", await VerbUntilAsync(port, group, "call", planner, "reach-for", "0.3"));
                using var heard = JsonDocument.Parse(await VerbUntilAsync(port, group, "topic", "echo", "arm/reach", "--count", "1"));
                Assert.Equal("arm", heard.RootElement.GetProperty("sender").GetString());
            }

            program.Terminate();
            await program.WaitForExitAsync(StartTimeout);
            Assert.Equal(0, program.ExitCode);
        }

        // A type that is not there: the stock host names the folder and what it saw; the team's program says it searched its own.
        var wrong = Path.Combine(_root, "wrong.conf");
        await File.WriteAllTextAsync(wrong, "cluster-host.agents.arm.type = \"MyRobot.NoSuchArm, MyRobot\"");
        var (stockExit, stockOutput) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["--agents-path", Output, "--config", wrong, "--port", "0"], VerbTimeout);
        var (ownExit, ownOutput) = await NodeProcess.RunAsync(Path.Combine(Output, "MyRobot.dll"), ["--config", wrong, "--port", "0"], VerbTimeout);
        Assert.True(stockExit == 2, stockOutput);
        Assert.Contains("cluster-host.agents.arm.type = 'MyRobot.NoSuchArm, MyRobot': no such type", stockOutput, StringComparison.Ordinal);
        Assert.Contains($"agent folders {Output}: agent assemblies MyRobot", stockOutput, StringComparison.Ordinal);
        Assert.True(ownExit == 2, ownOutput);
        Assert.Contains("no such type", ownOutput, StringComparison.Ordinal);
    }

    // One package per library, of the one version; the demo robot and System.CommandLine stay out of the framework's packages.
    private void AssertPackages()
    {
        string[] libraries =
        [
            "Cluster.Contracts", "Cluster.Agents.Core", "Cluster.Agents.Devices", "Cluster.Agents.Rpc", "Cluster.Agents.Messages",
            "Cluster.Agents.Operator", "Cluster.Agents.Hosting", "Cluster.Agents.Cli", "Cluster.Agents.Testing",
        ];
        foreach (var id in libraries)
        {
            using var package = ZipFile.OpenRead(Path.Combine(Feed, $"{id}.{Version}.nupkg"));
            var entries = package.Entries.Select(e => e.FullName).ToList();
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);
            Assert.Contains("README.md", entries);
            Assert.DoesNotContain(entries, e => e.Contains("Cluster.Host", StringComparison.Ordinal));

            using var nuspec = package.GetEntry($"{id}.nuspec")!.Open();
            var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
            if (id is not "Cluster.Agents.Cli")
            {
                Assert.DoesNotContain("System.CommandLine", dependencies);
            }
        }

        using var tool = ZipFile.OpenRead(Path.Combine(Feed, $"Cluster.Host.{Version}.nupkg"));
        Assert.Contains(tool.Entries, e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
    }
}
