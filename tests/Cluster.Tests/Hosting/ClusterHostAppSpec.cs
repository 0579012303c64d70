using Cluster.Agents.Cli;
using Cluster.Host.Demo;
using Xunit;

namespace Cluster.Tests.Hosting;

/// <summary>The public entry point a team's own program calls: the node, its agents and every operator verb.</summary>
public sealed class ClusterHostAppSpec
{
    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string[] args, Action<ClusterHostOptions>? configure = null)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exitCode = await ClusterHostApp.RunAsync(args, output, errors, configure);
        return (exitCode, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task Help_of_a_program_with_its_own_agents_lists_every_operator_verb()
    {
        var (exitCode, output, _) = await RunAsync(["--help"], host => host.AddAgent<DriveDevice>("drive"));

        Assert.Equal(0, exitCode);
        foreach (var verb in new[] { "nodes", "topic", "call", "agents", "clock", "--agents-path", "--config" })
        {
            Assert.Contains(verb, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("--demo", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verb_without_a_seed_exits_2_naming_what_is_missing()
    {
        var (exitCode, _, errors) = await RunAsync(["call", "drive", "speed"], host => host.AddAgent<DriveDevice>("drive"));

        Assert.Equal(2, exitCode);
        Assert.Contains("error: call needs --seed host:port", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_configuration_key_stops_the_node_with_exit_code_2_before_it_starts()
    {
        var conf = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".conf");
        await File.WriteAllTextAsync(conf, "cluster-host.agents.arm.type = \"NoSuch.Arm, NoSuch\"");
        try
        {
            var (exitCode, _, errors) = await RunAsync(["--config", conf, "--port", "0"], host => host.AddAgent<DriveDevice>("drive"));

            Assert.Equal(2, exitCode);
            Assert.Contains("cluster-host.agents.arm.type = 'NoSuch.Arm, NoSuch': no such type", errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(conf);
        }
    }

    [Fact]
    public void AddAgent_refuses_a_name_that_is_not_an_actor_name_and_a_type_that_is_not_an_agent()
    {
        var options = new ClusterHostOptions();

        Assert.Contains("'a/b'", Assert.Throws<ArgumentException>(() => options.AddAgent<DriveDevice>("a/b")).Message, StringComparison.Ordinal);
        Assert.Contains("System.String", Assert.Throws<ArgumentException>(() => options.AddAgent<string>("text")).Message, StringComparison.Ordinal);
        Assert.Empty(options.CodeAgents);
    }
}
