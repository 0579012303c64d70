using System.Text.RegularExpressions;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Names what remoting's "Dropping message ... for non-local recipient" means when the recipient is in another actor system:
/// a node of another group (cluster name) is trying to reach this one. Akka says neither.
/// </summary>
internal static partial class GroupHint
{
    public static string? Explain(string? message)
    {
        if (message is null || !message.Contains("for non-local recipient", StringComparison.Ordinal))
        {
            return message;
        }

        var match = Dropped().Match(message);
        if (!match.Success || match.Groups["to"].Value == match.Groups["self"].Value)
        {
            return message;
        }

        return $"{message} (a node of group '{match.Groups["to"].Value}' is trying to reach this node of group '{match.Groups["self"].Value}': " +
            "the groups differ; give both the same --group / CLUSTER_GROUP)";
    }

    [GeneratedRegex(@"non-local recipient \[.*?akka\.tcp://(?<to>[^@/\]]+)@.*?inbound addresses are \[.*?akka\.tcp://(?<self>[^@/\]]+)@", RegexOptions.Singleline)]
    private static partial Regex Dropped();
}
