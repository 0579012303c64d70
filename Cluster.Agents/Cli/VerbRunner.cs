using System.CommandLine;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Agents.Operator;

namespace Cluster.Agents.Cli;

/// <summary>
/// What every operator verb shares: the <c>--seed</c> and <c>--group</c> options, the connection to the
/// seed node, and the exit codes: 0 on success, 1 when the cluster could not do it, 2 for bad input.
/// </summary>
internal sealed class VerbRunner(TextWriter output, TextWriter errors)
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    public TextWriter Output { get; } = output;

    /// <summary>Warns on the error stream that some nodes did not answer, so a list is known to be partial.</summary>
    public async Task WarnSilentAsync(IReadOnlyCollection<string> silent, string what)
    {
        if (silent.Count > 0)
        {
            await errors.WriteLineAsync(
                $"warning: no answer in time from {string.Join(", ", silent)}; {what} not listed.").ConfigureAwait(false);
        }
    }

    public Command Create(string name, string description, Func<ParseResult, OperatorClient, CancellationToken, Task<int>> work, params Symbol[] symbols)
    {
        var node = new NodeCommandLine();
        var command = new Command(name, description);
        node.AddTo(command, withAddress: false);
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

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var options = node.Resolve(parse, _ => 0);
                if (options.Seeds.IsEmpty)
                {
                    await errors.WriteLineAsync($"error: {name} needs --seed host:port (or CLUSTER_SEEDS): the node to ask.").ConfigureAwait(false);
                    return 2;
                }

                await using var client = await OperatorClient.ConnectAsync(options.Seeds[0], options.Group, ConnectTimeout, cancellationToken).ConfigureAwait(false);
                return await work(parse, client, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ClusterConfigurationException or FormatException or ArgumentException)
            {
                await errors.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (OperatorException e)
            {
                await errors.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
