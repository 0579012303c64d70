using System.CommandLine;
using System.Net;
using System.Text.Json;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Agents.Operator;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Cli;

/// <summary>
/// The <c>doctor</c> verb: explains why a node does not see another. It checks where a node would listen (the port is free,
/// the address is this computer's and reachable by others), each seed (reachable, same group, same address, joined), and
/// then compares the members (unreachable ones, version, serializers, clock mode); each finding comes with its fix.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var node = new NodeCommandLine();
        var command = new Command(
            "doctor",
            "Explains why a node does not see another: wrong group, unreachable seed, address mismatch (CLUSTER_IP), port already taken, " +
            "clock-mode, version or serializer mismatch. Each finding comes with its fix; exits 0 when nothing is wrong, 1 otherwise.");
        node.AddTo(command);
        command.Add(VerbRunner.JsonOption);
        command.Add(VerbRunner.VerboseOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = VerbRunner.Json(parse);
            NodeOptions options;
            try
            {
                options = node.Resolve(parse, _ => 0);
            }
            catch (ClusterConfigurationException e)
            {
                await errors.WriteLineAsync(json ? JsonSerializer.Serialize(new { error = e.Message, exitCode = 2 }, OperatorJson.Options) : $"error: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            var reports = new List<NodeReport>();
            var findings = await ExamineAsync(options, parse.GetValue(node.Port) is not null || Environment.GetEnvironmentVariable("CLUSTER_PORT") is { Length: > 0 }, reports, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(VerbRunner.VerboseOption) && !json)
            {
                foreach (var report in reports)
                {
                    await output.WriteLineAsync($"node {report.Address}: version {report.Version}, clock {report.ClockMode}, serializers {report.Serializers}, roles {report.Roles}").ConfigureAwait(false);
                }
            }

            if (json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new { findings, nodes = reports }, OperatorJson.Options)).ConfigureAwait(false);
            }
            else if (findings.Count == 0)
            {
                await output.WriteLineAsync("no problem found: the seeds answer in the same group, and the members agree on version, serializers and clock mode.").ConfigureAwait(false);
            }
            else
            {
                foreach (var finding in findings)
                {
                    await output.WriteLineAsync($"{finding.Kind}: {finding.Problem}").ConfigureAwait(false);
                    await output.WriteLineAsync($"  fix: {finding.Fix}").ConfigureAwait(false);
                }
            }

            return findings.Count == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Runs every check for a node with <paramref name="options"/>.</summary>
    internal static async Task<List<Finding>> ExamineAsync(NodeOptions options, bool checkPort, List<NodeReport> reportsSeen, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        if (checkPort && options.Port != 0)
        {
            try
            {
                ListenCheck.Check(options);
            }
            catch (ClusterConfigurationException e)
            {
                findings.Add(e.Key.StartsWith("--port", StringComparison.Ordinal)
                    ? new Finding("port taken", e.Message, $"stop what listens on {options.Ip}:{options.Port} (ss -ltnp 'sport = :{options.Port}' names it), or give this node another --port / CLUSTER_PORT, or 0.")
                    : new Finding("address mismatch", e.Message, "set CLUSTER_IP (or --ip) to an address of this computer that the other nodes use to reach it."));
            }
        }

        if (IPAddress.TryParse(options.Ip, out var ip) && IPAddress.IsLoopback(ip)
            && options.Seeds.Any(seed => !IsLoopback(seed.Host)))
        {
            findings.Add(new Finding(
                "address mismatch",
                $"this node would listen on {options.Ip}, a loopback address, while its seeds are on other computers: they cannot reach it.",
                "set CLUSTER_IP (or --ip) to the address the other nodes use to reach this computer."));
        }

        foreach (var seed in options.Seeds)
        {
            if (await SeedDiagnosis.CheckAsync(seed, options.Group, VerbRunner.ConnectTimeout, cancellationToken).ConfigureAwait(false) is { } finding)
            {
                findings.Add(finding);
            }
        }

        if (options.Seeds.IsEmpty)
        {
            return findings;
        }

        try
        {
            await using var client = await OperatorClient.ConnectAsync(options.Seeds, options.Group, VerbRunner.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            var reports = await client.AskAsync<NodeReports>(DescribeNodes.Instance, VerbRunner.AnswerTimeout).ConfigureAwait(false);
            findings.AddRange(reports.Unreachable.Select(member => new Finding(
                "unreachable member",
                $"{client.Node} sees {member} unreachable.",
                "check that its process runs and that the network lets the nodes reach each other's cluster ports; the split brain resolver downs it if it stays unreachable.")));
            findings.AddRange(reports.Silent.Select(member => new Finding(
                "silent member",
                $"{member} is Up but its operator endpoint did not answer in time.",
                "check the node's log; it may be overloaded or stopping.")));
            reportsSeen.AddRange(reports.Reports);
            findings.AddRange(NodeReporting.Compare(reports.Reports));
        }
        catch (OperatorException)
        {
            // The seeds' findings above already say why no seed answers.
        }

        return findings;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
