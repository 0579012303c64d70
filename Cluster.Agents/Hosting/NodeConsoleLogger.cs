using System.Globalization;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace Cluster.Agents.Hosting;

/// <summary>
/// The Akka logger of the programs: one short line per event on standard output, with agents' messages
/// at Info and above but Akka's own only at <c>cluster-node.framework-log-level</c> (Warning by default),
/// so a newcomer sees what the agents do rather than a wall of framework logs.
/// </summary>
/// <remarks>
/// An event is the framework's when the class that logged it is in an <c>Akka</c> namespace.
/// </remarks>
public sealed class NodeConsoleLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The HOCON key of the least level shown for Akka's own events.</summary>
    public const string FrameworkLevelKey = "cluster-node.framework-log-level";

    private readonly LogLevel _frameworkLevel;

    /// <summary>Creates the logger; Akka does this from <c>akka.loggers</c>.</summary>
    public NodeConsoleLogger()
    {
        var configured = Context.System.Settings.Config.GetString(FrameworkLevelKey, "WARNING");
        _frameworkLevel = Enum.TryParse<LogLevel>(configured + "Level", ignoreCase: true, out var level) ? level : LogLevel.WarningLevel;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        var isFramework = e.LogClass?.Namespace?.StartsWith("Akka", StringComparison.Ordinal) ?? true;
        if (isFramework && (e.LogLevel() < _frameworkLevel || IsOperatorDisconnect(e)))
        {
            return;
        }

        var level = e.LogLevel() switch
        {
            LogLevel.DebugLevel => "debug",
            LogLevel.InfoLevel => "info ",
            LogLevel.WarningLevel => "warn ",
            _ => "error",
        };
        var line = string.Create(CultureInfo.InvariantCulture, $"{e.Timestamp:HH:mm:ss.fff} {level} {ShortSource(e.LogSource)}: {e.Message}");
        if (e.Cause is not null)
        {
            line += Environment.NewLine + e.Cause;
        }

        Console.Out.WriteLine(line);
    }

    // An operator verb's actor system closing its connection is routine; remoting reports it as a failure.
    private bool IsOperatorDisconnect(LogEvent e) =>
        _frameworkLevel > LogLevel.InfoLevel &&
        (e.LogSource.Contains(EscapedOperatorAddress, StringComparison.Ordinal) ||
         e.Message?.ToString()?.Contains(OperatorAddress, StringComparison.Ordinal) == true);

    private const string OperatorAddress = "://" + Operator.OperatorClient.SystemName + "@";
    private const string EscapedOperatorAddress = "%2F%2F" + Operator.OperatorClient.SystemName + "%40";

    // "akka.tcp://robot@127.0.0.1:4053/user/drive" reads better as "drive": the node is the same for every line.
    private static string ShortSource(string source)
    {
        var user = source.IndexOf("/user/", StringComparison.Ordinal);
        return user >= 0 ? source[(user + "/user/".Length)..] : source;
    }
}
