using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Cluster.Agents.Hosting;

/// <summary>The programs' console logging: one short line per entry, agents' messages and Akka's warnings.</summary>
public static class NodeLoggingExtensions
{
    private static readonly string[] ConnectionCategories = ["Akka.Remote.EndpointWriter", "Akka.Remote.ReliableDeliverySupervisor"];

    /// <summary>
    /// Writes logs to standard output as <c>HH:mm:ss.fff level source: message</c>, showing agents' messages at
    /// Information and above but Akka's own (categories <c>Akka.*</c>) and the .NET host's only at Warning and
    /// above, so a newcomer sees what the agents do rather than a wall of framework logs. Remoting's reports of a
    /// connection closing are shown only when <paramref name="verbose"/>.
    /// </summary>
    /// <param name="logging">The logging builder of the node's host.</param>
    /// <param name="verbose">Whether Akka's own information messages are shown too.</param>
    /// <returns>The builder.</returns>
    public static ILoggingBuilder AddNodeConsole(this ILoggingBuilder logging, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddConsole(console => console.FormatterName = NodeConsoleFormatter.Name);
        logging.AddConsoleFormatter<NodeConsoleFormatter, ConsoleFormatterOptions>(format => format.UseUtcTimestamp = true);
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Akka", verbose ? LogLevel.Information : LogLevel.Warning);

        // A connection that closes is reported by remoting as a warning and an error, though every operator verb
        // closes one on exit; a member that really goes away is reported by the cluster (unreachable, removed).
        foreach (var category in ConnectionCategories)
        {
            logging.AddFilter(category, verbose ? LogLevel.Information : LogLevel.None);
        }

        return logging;
    }
}
