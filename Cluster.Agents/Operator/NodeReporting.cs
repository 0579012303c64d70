using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>Builds this node's <see cref="NodeReport"/>, and compares reports for <c>doctor</c>.</summary>
public static class NodeReporting
{
    /// <summary>Describes the node of <paramref name="system"/>.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <returns>The report.</returns>
    public static NodeReport Here(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var config = system.Settings.Config;
        var version = typeof(NodeReporting).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        version = plus < 0 ? version : version[..plus];
        var akka = typeof(ActorSystem).Assembly.GetName().Version?.ToString(3) ?? "?";
        var cluster = Akka.Cluster.Cluster.Get(system);
        return new NodeReport(
            cluster.SelfAddress.ToString(),
            $"{version} (Akka {akka})",
            config.GetString("cluster-node.clock.mode", "real"),
            Digest(config),
            string.Join(",", cluster.SelfRoles.Order(StringComparer.Ordinal)));
    }

    /// <summary>Finds what differs between nodes that must agree: version, serializers and clock mode.</summary>
    /// <param name="reports">The nodes' reports.</param>
    /// <returns>The findings, each with its fix; empty when the nodes agree.</returns>
    public static IEnumerable<Finding> Compare(IReadOnlyList<NodeReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        foreach (var (kind, read, fix) in new (string, Func<NodeReport, string>, string)[]
        {
            ("version mismatch", r => r.Version, "run the same release of the framework on every node (upgrade the older ones)."),
            ("serializer mismatch", r => r.Serializers, "give every node the same akka.actor.serializers and serialization-bindings (the same hocon/ files and contract assemblies); nodes that disagree drop each other's messages."),
        })
        {
            var groups = reports.GroupBy(read).ToList();
            if (groups.Count > 1)
            {
                yield return new Finding(kind, $"the nodes differ: {string.Join("; ", groups.Select(g => $"{g.Key}: {string.Join(", ", g.Select(r => r.Address))}"))}.", fix);
            }
        }

        // The Lighthouse runs no clock of its own; the hosts must agree on whether they follow the cluster's time.
        var hosts = reports.Where(r => !r.Roles.Split(',').Contains("lighthouse")).ToList();
        var modes = hosts.GroupBy(r => r.ClockMode.Trim().ToLowerInvariant()).ToList();
        if (modes.Count > 1)
        {
            yield return new Finding(
                "clock-mode mismatch",
                $"the hosts' clocks run in different modes: {string.Join("; ", modes.Select(g => $"{g.Key}: {string.Join(", ", g.Select(r => r.Address))}"))}.",
                "set the same cluster-node.clock.mode on every host: follow (with one clock source) for simulated time, real otherwise.");
        }
    }

    private static string Digest(Akka.Configuration.Config config)
    {
        var text = new StringBuilder();
        foreach (var section in (string[])["akka.actor.serializers", "akka.actor.serialization-bindings"])
        {
            var values = config.GetConfig(section)?.AsEnumerable().Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>();
            text.AppendJoin('\n', values).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..12].ToLowerInvariant();
    }
}
