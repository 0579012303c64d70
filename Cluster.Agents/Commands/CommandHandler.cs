using System.CommandLine;

namespace Cluster.Agents.Commands;

/// <summary>Runs a parsed command: reads its values from <paramref name="parse"/>, writes replies through <paramref name="command"/>, and ends it.</summary>
/// <param name="command">The running command.</param>
/// <param name="parse">The parsed command string; read values with <c>parse.GetValue(option)</c>.</param>
/// <returns>A task that completes when the handler is done; a command still running then is finished (Done).</returns>
public delegate Task CommandHandler(Command command, ParseResult parse);
