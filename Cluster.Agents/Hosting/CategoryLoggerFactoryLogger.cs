using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Akka.Hosting's logger into Microsoft.Extensions.Logging, with one category per class that logged: an
/// agent's events are under its type's name (<c>MyRobot.DriveAgent</c>), Akka's own under <c>Akka.*</c>, so
/// that <c>ILoggingBuilder.AddFilter</c> can show them at different levels.
/// </summary>
/// <remarks>
/// Akka.Hosting's own logger puts every event under the one category <c>Akka.Actor.ActorSystem</c> and
/// prefixes its message with the level, time and thread; this one keeps the message as the actor wrote it and
/// passes the event's time and source (<c>LogSource</c>) as state for the console formatter.
/// </remarks>
public sealed class CategoryLoggerFactoryLogger : LoggerFactoryLogger
{
    /// <summary>The state key of the event's source, e.g. the logging actor's path.</summary>
    public const string SourceKey = "LogSource";

    /// <summary>The state key of the event's time.</summary>
    public const string TimestampKey = "Timestamp";

    private readonly ConcurrentDictionary<Type, ILogger> _loggers = new();
    private readonly ILoggerFactory _factory;

    /// <summary>Creates the logger; Akka does this from <c>akka.loggers</c>.</summary>
    public CategoryLoggerFactoryLogger()
    {
        _factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value.LoggerFactory;
    }

    /// <inheritdoc />
    protected override void Log(LogEvent log, ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(log);
        var logger = _loggers.GetOrAdd(log.LogClass ?? typeof(ActorSystem), type => _factory.CreateLogger(type.FullName ?? type.Name));
        var level = log.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => MelLogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => MelLogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => MelLogLevel.Warning,
            _ => MelLogLevel.Error,
        };
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var message = MessageOf(log);
        KeyValuePair<string, object?>[] state =
        [
            new(SourceKey, log.LogSource),
            new(TimestampKey, log.Timestamp),
            new("{OriginalFormat}", message),
        ];
        logger.Log(level, default, state, log.Cause, (_, _) => message);
    }

    private static string MessageOf(LogEvent log)
    {
        try
        {
            return log.Message?.ToString() ?? string.Empty;
        }
        catch (FormatException e)
        {
            // A wrong format string in a log call must not lose the event.
            return $"{log.Message} (could not be formatted: {e.Message})";
        }
    }
}
