using System.CommandLine;
using Cluster.Contracts.Commands;

namespace Cluster.Agents.Cli;

/// <summary>The <c>command</c> verb: send a command string to a command actor and print its replies as they arrive, one JSON line each.</summary>
internal static class CommandVerbs
{
    public static Command Create(VerbRunner runner)
    {
        var actor = new Argument<string>("actor") { Description = "The command actor's name, e.g. camera." };
        var commandString = new Argument<string>("command-string") { Description = "The command string, quoted, e.g. \"expose --time 2\"." };
        var timeLimit = new Option<string?>("--time-limit") { Description = "How long the command may run on the actor's clock, e.g. \"10 s\"; none by default." };
        var command = runner.Create(
            "command",
            "Sends a command string to a command actor and prints its replies as they arrive, one JSON line each; exits 0 when it is done, 1 when it failed, timed out or was cancelled.",
            parse =>
            {
                var text = parse.GetValue(commandString)!;
                if (string.IsNullOrWhiteSpace(text))
                {
                    throw new ArgumentException("the command string is empty: give one, e.g. \"ping\".");
                }

                var limit = parse.GetValue(timeLimit) is { } given ? Checks.Deadline(given, "--time-limit") : (TimeSpan?)null;
                var name = Checks.NotEmpty(parse.GetValue(actor)!, "actor");
                return async (client, cancellationToken) =>
                {
                    var status = await client.RunCommandAsync(name, text, limit, line => runner.Output.WriteLineAsync(line), cancellationToken).ConfigureAwait(false);
                    return status == CommandStatus.Done ? 0 : 1;
                };
            },
            actor,
            commandString,
            timeLimit);
        return command;
    }
}
