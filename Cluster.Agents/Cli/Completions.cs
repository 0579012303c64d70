using System.CommandLine;
using System.CommandLine.Completions;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Operator;

namespace Cluster.Agents.Cli;

/// <summary>
/// Shell completion: verbs and options come from the command line itself (System.CommandLine's <c>[suggest]</c>
/// directive); topic names and agent addresses come from the cluster, asked through the first seed's local socket with a short
/// timeout, so a completion never hangs the shell. The seeds and group come from <c>CLUSTER_SEEDS</c> and <c>CLUSTER_GROUP</c>
/// (System.CommandLine offers an argument's completions only while no option precedes it on the line).
/// </summary>
internal static class Completions
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    public static void AddTopics(Argument<string> argument) =>
        argument.CompletionSources.Add(context => Ask(context, async client =>
        {
            var list = await client.ListTopicsAsync(Patience).ConfigureAwait(false);
            return [.. list.Topics, .. list.Patterns];
        }));

    public static void AddTargets(Argument<string> argument) =>
        argument.CompletionSources.Add(context => Ask(context, async client =>
        {
            var list = await client.ListAgentsAsync(Patience).ConfigureAwait(false);
            return [.. list.Agents.Select(a => a.Address)];
        }));

    /// <summary>The script that makes a shell complete <paramref name="program"/>'s verbs, options, topics and agents.</summary>
    public static string Script(string shell, string program) => shell switch
    {
        "bash" => $$"""
            _{{Identifier(program)}}_complete() {
              local IFS=$'\n'
              COMPREPLY=( $(compgen -W "$({{program}} "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
            }
            complete -o default -F _{{Identifier(program)}}_complete {{program}}
            """,
        "zsh" => $$"""
            #compdef {{program}}
            _{{Identifier(program)}}_complete() {
              local -a items
              items=("${(@f)$({{program}} "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)}")
              compadd -- $items
            }
            compdef _{{Identifier(program)}}_complete {{program}}
            """,
        _ => throw new ArgumentException($"'{shell}' is not a shell this knows: bash or zsh."),
    };

    private static string Identifier(string program) => new([.. program.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);

    private static IEnumerable<CompletionItem> Ask(CompletionContext context, Func<OperatorClient, Task<string[]>> ask)
    {
        try
        {
            var options = context.ParseResult.CommandResult.Command.Options;
            var seeds = options.OfType<Option<string[]>>().FirstOrDefault(o => o.Name == "--seed") is { } seedOption ? context.ParseResult.GetValue(seedOption) ?? [] : [];
            var group = options.OfType<Option<string?>>().FirstOrDefault(o => o.Name == "--group") is { } groupOption ? context.ParseResult.GetValue(groupOption) : null;
            // Without a seed on the line or in CLUSTER_SEEDS, the embedded default's port on this computer.
            var node = NodeOptions.Resolve(group, null, null, seeds, _ => 0);
            if (node.Seeds.IsEmpty)
            {
                node = node with { Seeds = [new System.Net.DnsEndPoint("127.0.0.1", NodeOptions.DefaultSeedPort)] };
            }

            using var timeout = new CancellationTokenSource(Patience * 2);
            var names = Task.Run(
                async () =>
                {
                    await using var client = await OperatorClient.ConnectAsync(node.Seeds, node.Group, Patience, timeout.Token).ConfigureAwait(false);
                    return await ask(client).ConfigureAwait(false);
                },
                timeout.Token).GetAwaiter().GetResult();
            return names.Select(name => new CompletionItem(name));
        }
        catch (Exception e) when (e is OperatorException or ClusterConfigurationException or OperationCanceledException or InvalidOperationException or ArgumentException)
        {
            return [];
        }
    }
}
