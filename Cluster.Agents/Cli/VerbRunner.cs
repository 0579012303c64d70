using System.CommandLine;
using System.Text.Json;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Operator;

namespace Cluster.Agents.Cli;

/// <summary>The work of a verb once its input is checked: done with a connected client, it returns the exit code.</summary>
/// <param name="client">The client, connected to the first seed that answered.</param>
/// <param name="cancellationToken">Stops the verb (Ctrl+C).</param>
internal delegate Task<int> VerbWork(OperatorClient client, CancellationToken cancellationToken);

/// <summary>
/// What every operator verb shares: the <c>--seed</c>, <c>--group</c>, <c>--json</c> and <c>--verbose</c> options, the
/// connection to the first seed that answers, and one exit-code rule: 0 done, 1 the cluster or the target failed, 2 bad
/// input. Input is checked before anything connects; no stack trace is printed unless <c>--verbose</c>.
/// </summary>
internal sealed class VerbRunner(TextWriter output, TextWriter errors)
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    public TextWriter Output { get; } = output;

    public TextWriter Errors { get; } = errors;

    /// <summary>Gets the <c>--json</c> option every verb takes.</summary>
    public static Option<bool> JsonOption { get; } = new("--json") { Description = "Print one JSON document (one per line for streams) instead of text for people.", Recursive = false };

    /// <summary>Gets the <c>--verbose</c> option every verb takes.</summary>
    public static Option<bool> VerboseOption { get; } = new("--verbose") { Description = "Also print the stack trace of an error." };

    public static bool Json(ParseResult parse) => parse.GetValue(JsonOption);

    /// <summary>Warns on the error stream that some nodes did not answer, so a list is known to be partial.</summary>
    public async Task WarnSilentAsync(IReadOnlyCollection<string> silent, string what)
    {
        if (silent.Count > 0)
        {
            await Errors.WriteLineAsync(
                $"warning: no answer in time from {string.Join(", ", silent)}; {what} not listed.").ConfigureAwait(false);
        }
    }

    /// <summary>Writes <paramref name="value"/> as one line of JSON.</summary>
    public Task WriteJsonAsync<T>(T value) => Output.WriteLineAsync(JsonSerializer.Serialize(value, OperatorJson.Options));

    /// <summary>
    /// Creates a verb: <paramref name="check"/> reads and checks the input (throwing <see cref="ArgumentException"/> or
    /// <see cref="FormatException"/> for bad input) and returns the work to do once connected.
    /// </summary>
    public Command Create(string name, string description, Func<ParseResult, VerbWork> check, params Symbol[] symbols)
    {
        var node = new NodeCommandLine();
        var command = new Command(name, description);
        node.AddTo(command, withAddress: false);
        command.Add(JsonOption);
        command.Add(VerboseOption);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Add(argument);
                    break;
                case Option option:
                    command.Add(option);
                    break;
            }
        }

        command.SetAction((parse, cancellationToken) => RunAsync(name, node, parse, check, cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(string name, NodeCommandLine node, ParseResult parse, Func<ParseResult, VerbWork> check, CancellationToken cancellationToken)
    {
        var json = Json(parse);
        var verbose = parse.GetValue(VerboseOption);
        try
        {
            var options = node.Resolve(parse, _ => 0);
            if (options.Seeds.IsEmpty)
            {
                return await FailAsync($"{name} needs --seed host:port (or CLUSTER_SEEDS): the node to ask.", 2, json, null).ConfigureAwait(false);
            }

            var work = check(parse);
            await using var client = await OperatorClient.ConnectAsync(options.Seeds, options.Group, ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return await work(client, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            return await FailAsync(message, 2, json, verbose ? e : null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ClusterConfigurationException or FormatException)
        {
            return await FailAsync(e.Message, 2, json, verbose ? e : null).ConfigureAwait(false);
        }
        catch (OperatorException e)
        {
            return await FailAsync(e.Message, e.BadInput ? 2 : 1, json, verbose ? e : null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e)
        {
            return await FailAsync($"{name} failed: {e.Message}", 1, json, verbose ? e : null).ConfigureAwait(false);
        }
    }

    private async Task<int> FailAsync(string message, int exitCode, bool json, Exception? verbose)
    {
        await Errors.WriteLineAsync(json
            ? JsonSerializer.Serialize(new { error = message, exitCode }, OperatorJson.Options)
            : $"error: {message}").ConfigureAwait(false);
        if (verbose is not null)
        {
            await Errors.WriteLineAsync(verbose.ToString()).ConfigureAwait(false);
        }

        return exitCode;
    }
}
