using System.CommandLine;
using System.Globalization;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Agents.Hosting.AgentAssemblies;
using Microsoft.Extensions.Configuration;

namespace Cluster.Agents.Cli;

/// <summary>The host program's command line: run a node (the default), or an operator verb.</summary>
internal static class HostCommands
{
    public static RootCommand Create(TextWriter output, TextWriter errors, ClusterHostOptions options)
    {
        var node = new NodeCommandLine();
        var config = new Option<string?>("--config")
        {
            Description = "A HOCON file layered over the host's settings, e.g. listing its agents under cluster-host.agents. Env: CLUSTER_CONFIG.",
        };
        var demo = new Option<bool>("--demo")
        {
            Description = "Also run the demo agents (the embedded default runs them unless --config is given).",
        };
        var agentsPath = new Option<string[]>(AgentAssemblyFolders.Option)
        {
            Description = $"A folder with agent assemblies (the output of the agents' project) to load, each with its own dependencies; repeatable. Also {AgentAssemblyFolders.ConfigKey} in the configuration.",
            DefaultValueFactory = _ => [],
        };
        var verbose = new Option<bool>("--verbose")
        {
            Description = "Show Akka's own information messages, not just its warnings.",
        };

        var root = new RootCommand(options.Description);
        node.AddTo(root);
        root.Add(config);
        if (options.DemoAgents is not null)
        {
            root.Add(demo);
        }

        root.Add(agentsPath);
        root.Add(verbose);
        root.SetAction((parse, cancellationToken) => RunNodeAsync(
            node, parse.GetValue(config), options.DemoAgents is not null && parse.GetValue(demo), parse.GetValue(agentsPath) ?? [], parse.GetValue(verbose), options, output, errors, parse, cancellationToken));

        var verbs = new VerbRunner(output, errors);
        root.Add(CreateNodesCommand(verbs));
        root.Add(TopicCommands.Create(verbs));
        root.Add(CallCommand.Create(verbs));
        root.Add(CommandVerbs.Create(verbs));
        root.Add(ClockCommands.Create(verbs));
        root.Add(CreateAgentsCommand(verbs));
        PathCommands.Create(verbs).ToList().ForEach(root.Add);
        root.Add(DoctorCommand.Create(output, errors));
        root.Add(CreateCompletionCommand(output));
        return root;
    }

    private static async Task<int> RunNodeAsync(
        NodeCommandLine nodeLine,
        string? configPath,
        bool demo,
        string[] agentsPaths,
        bool verbose,
        ClusterHostOptions options,
        TextWriter output,
        TextWriter errors,
        ParseResult parse,
        CancellationToken cancellationToken)
    {
        NodeOptions node;
        Config programConfig;
        System.Collections.Immutable.ImmutableArray<AgentSpec> agents;
        try
        {
            node = nodeLine.Resolve(parse, hasSeeds => hasSeeds ? 0 : NodeOptions.DefaultSeedPort);
            configPath ??= Environment.GetEnvironmentVariable("CLUSTER_CONFIG") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
            var embedded = node.Seeds.IsEmpty;
            programConfig = ClusterHocon.Host;
            if (options.DemoAgents is not null && (demo || (embedded && configPath is null)))
            {
                programConfig = options.DemoAgents.WithFallback(programConfig);
            }

            if (options.Agents is not null)
            {
                programConfig = options.Agents.WithFallback(programConfig);
            }

            if (configPath is not null)
            {
                programConfig = ClusterHocon.LoadFile(configPath).WithFallback(programConfig);
            }

            StartupChecks.Check(node, programConfig);
            var folders = AgentAssemblyFolders.Load(AgentFolders(agentsPaths, programConfig));
            agents = [.. AgentConfiguration.Read(programConfig, SettingsOverrides(), folders), .. options.CodeAgents];
        }
        catch (ClusterConfigurationException e)
        {
            await errors.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        var mode = node.Seeds.IsEmpty
            ? "Host (embedded default: seeds itself)"
            : $"Host (joining {string.Join(", ", node.Seeds.Select(seed => $"{seed.Host}:{seed.Port}"))})";
        await output.WriteLineAsync(
            $"{mode}, group '{node.Group}', agents: {(agents.IsEmpty ? "none" : string.Join(", ", agents.Select(a => a.Name)))}.").ConfigureAwait(false);
        using var host = NodeRunner.Build(node, programConfig, agents, verbose, akka =>
        {
            foreach (var configure in options.AkkaSetup)
            {
                configure(akka);
            }
        });
        return await NodeRunner.RunAsync(host, "Host", output, cancellationToken).ConfigureAwait(false);
    }

    // The option's folders first, then the configuration's, which may be one path or a list.
    private static IEnumerable<(string Folder, string Key)> AgentFolders(string[] fromOptions, Config config)
    {
        foreach (var folder in fromOptions)
        {
            yield return (folder, AgentAssemblyFolders.Option);
        }

        if (!config.HasPath(AgentAssemblyFolders.ConfigKey))
        {
            yield break;
        }

        var value = config.GetValue(AgentAssemblyFolders.ConfigKey);
        var folders = value.IsArray() ? value.GetArray().Select(item => item.GetString()) : [value.GetString()];
        foreach (var folder in folders)
        {
            yield return (folder, AgentAssemblyFolders.ConfigKey);
        }
    }

    // Agents' settings may also come from appsettings.json in the working directory and from environment variables
    // such as CLUSTER_HOST__AGENTS__drive__settings__MaxSpeed, over the HOCON.
    private static IConfiguration SettingsOverrides()
    {
        try
        {
            return new ConfigurationBuilder()
                .SetBasePath(Directory.GetCurrentDirectory())
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .Build();
        }
        catch (InvalidDataException e)
        {
            throw new ClusterConfigurationException("appsettings.json", Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), $"not valid JSON: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    private static Command CreateCompletionCommand(TextWriter output)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var program = new Option<string>("--program") { Description = "The command the shell runs, e.g. cluster-host.", DefaultValueFactory = _ => "cluster-host" };
        var command = new Command("completion", "Prints the script that completes verbs, options, topic names and agent addresses in bash or zsh, e.g. source <(cluster-host completion bash).") { shell, program };
        command.SetAction(async parse =>
        {
            await output.WriteLineAsync(Completions.Script(parse.GetValue(shell)!, parse.GetValue(program)!)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateAgentsCommand(VerbRunner runner) =>
        runner.Create("agents", "Lists the RPC agents of every host's container, cluster-wide: address and type.", parse => async (client, _) =>
        {
            var list = await client.ListAgentsAsync(VerbRunner.AnswerTimeout).ConfigureAwait(false);
            if (VerbRunner.Json(parse))
            {
                await runner.WriteJsonAsync(list).ConfigureAwait(false);
            }
            else
            {
                Tables.Write(runner.Output, ["address", "type"], list.Agents.Select(agent => new[] { agent.Address, agent.Type }), row => $"{row[0],-50} {row[1]}");
            }

            await runner.WarnSilentAsync(list.Silent, "their agents are").ConfigureAwait(false);
            return 0;
        });

    private static Command CreateNodesCommand(VerbRunner runner) =>
        runner.Create("nodes", "Lists the cluster's members as the seed node sees them: address, status, roles, up since.", parse => async (client, _) =>
        {
            var list = await client.GetMembersAsync(VerbRunner.AnswerTimeout).ConfigureAwait(false);
            if (VerbRunner.Json(parse))
            {
                await runner.WriteJsonAsync(list).ConfigureAwait(false);
                return 0;
            }

            Tables.Write(runner.Output, ["address", "status", "roles", "up since"], list.Members.Select(member => new[]
            {
                member.Address,
                member.Reachable ? member.Status : member.Status + " (unreachable)",
                string.Join(",", member.Roles),
                member.UpSince is { } up ? up.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-",
            }), row => $"{row[0],-40} {row[1],-20} {row[2],-12} up since {row[3]}");
            return 0;
        });
}
