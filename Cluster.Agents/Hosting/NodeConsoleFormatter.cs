using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Writes one short line per entry, <c>HH:mm:ss.fff level source: message</c>, where the source of an Akka event is
/// the logging actor's name (the node is the same for every line) and that of any other entry its category.
/// </summary>
internal sealed class NodeConsoleFormatter(IOptions<ConsoleFormatterOptions> options) : ConsoleFormatter(Name)
{
    /// <summary>The formatter's name, for <see cref="ConsoleLoggerOptions.FormatterName"/>.</summary>
    public new const string Name = "node";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        string? source = null;
        // A log line is stamped with wall time, never the node's (maybe simulated) clock: it is read beside other logs.
        var time = options.Value.UseUtcTimestamp ? TimeProvider.System.GetUtcNow().UtcDateTime : TimeProvider.System.GetLocalNow().DateTime;
        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
        {
            foreach (var (key, value) in state)
            {
                if (key == CategoryLoggerFactoryLogger.SourceKey && value is string text)
                {
                    source = ShortSource(text);
                }
                else if (key == CategoryLoggerFactoryLogger.TimestampKey && value is DateTime timestamp)
                {
                    time = timestamp;
                }
            }
        }

        var level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info ",
            LogLevel.Warning => "warn ",
            _ => "error",
        };
        message = GroupHint.Explain(message);
        textWriter.Write(string.Create(CultureInfo.InvariantCulture, $"{time:HH:mm:ss.fff} {level} {source ?? logEntry.Category}: {message}"));
        textWriter.Write(Environment.NewLine);
        if (logEntry.Exception is not null)
        {
            textWriter.Write(logEntry.Exception.ToString());
            textWriter.Write(Environment.NewLine);
        }
    }

    // "akka.tcp://robot@127.0.0.1:4053/user/drive" reads better as "drive".
    private static string ShortSource(string source)
    {
        var user = source.IndexOf("/user/", StringComparison.Ordinal);
        return user >= 0 ? source[(user + "/user/".Length)..] : source;
    }
}
