using System.Collections.Immutable;
using System.CommandLine;
using System.Net;
using Cluster.Agents.Cli;
using Cluster.Agents.Core.Configuration;
using Akka.Hosting;
using Cluster.Agents.Hosting;
using Lighthouse;

var node = new NodeCommandLine();
var verbose = new Option<bool>("--verbose") { Description = "Show Akka's own information messages, not just its warnings." };
var membersFile = new Option<string?>("--members-file")
{
    Description = "The file where the Lighthouse remembers the cluster's hosts, so that after a restart it rejoins them instead of " +
        "forming a second cluster; 'none' remembers nothing. Env: CLUSTER_MEMBERS_FILE. Default: $STATE_DIRECTORY, else " +
        "$XDG_STATE_HOME/cluster-lighthouse, else ~/.local/state/cluster-lighthouse, file <group>-<port>.members.",
};
var root = new RootCommand(
    "The Lighthouse: a seed node that lets the hosts of a cluster find each other, and does nothing else. " +
    "It seeds itself; give the other Lighthouses with --seed (or CLUSTER_SEEDS) to run several.");
node.AddTo(root);
root.Add(verbose);
root.Add(membersFile);
root.SetAction(async (parse, cancellationToken) =>
{
    NodeOptions options;
    try
    {
        options = node.Resolve(parse, _ => NodeOptions.DefaultSeedPort);
        StartupChecks.Check(options, ClusterHocon.Lighthouse);
    }
    catch (ClusterConfigurationException e)
    {
        await Console.Error.WriteLineAsync($"error: {e.Message}");
        return 2;
    }

    var membersPath = parse.GetValue(membersFile) ?? (Environment.GetEnvironmentVariable("CLUSTER_MEMBERS_FILE") is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
    if (membersPath == "none")
    {
        membersPath = null;
    }
    else if (options.Port != 0)
    {
        membersPath ??= KnownMembers.DefaultPath(options.Group, options.Port);
    }

    // A Lighthouse is one of the seeds: listed after the given ones, it forms the cluster itself only
    // when it is the first seed or the only one.
    var self = new DnsEndPoint(options.Ip, options.Port);
    if (!options.Seeds.IsEmpty && options.Port != 0 && !options.Seeds.Any(seed => seed.Host == self.Host && seed.Port == self.Port))
    {
        options = options with { Seeds = options.Seeds.Add(self) };
    }

    // The hosts this Lighthouse knew before a restart come after it among its seeds: as the first seed it asks them
    // (Akka's InitJoin) before it forms a cluster of its own, and joins theirs if one answers; the other seeds do so too.
    var remembered = membersPath is null ? [] : KnownMembers.Read(membersPath)
        .Where(known => !options.Seeds.Any(seed => seed.Host == known.Host && seed.Port == known.Port) && !(known.Host == self.Host && known.Port == self.Port))
        .ToImmutableArray();
    if (!remembered.IsEmpty)
    {
        options = options with { Seeds = [.. options.Seeds.IsEmpty ? [self] : options.Seeds, .. remembered] };
        await Console.Out.WriteLineAsync($"remembered members, asked before forming a new cluster: {string.Join(", ", remembered.Select(e => $"{e.Host}:{e.Port}"))}.");
    }

    try
    {
        ClusterNodeHostingExtensions.FailureProfile(ClusterHocon.Lighthouse);
    }
    catch (ClusterConfigurationException e)
    {
        await Console.Error.WriteLineAsync($"error: {e.Message}");
        return 2;
    }

    Action<Akka.Hosting.AkkaConfigurationBuilder>? rememberMembers = null;
    if (membersPath is not null)
    {
        Akka.Actor.Address[] addresses = [.. remembered.Select(e => new Akka.Actor.Address("akka.tcp", options.Group, e.Host, e.Port))];
        rememberMembers = akka => akka.WithActors((system, _) => system.ActorOf(KnownMembers.Props(membersPath, [.. addresses]), "known-members"));
    }

    await Console.Out.WriteLineAsync($"Lighthouse, group '{options.Group}'.");
    using var host = NodeRunner.Build(options, ClusterHocon.Lighthouse, [], parse.GetValue(verbose), rememberMembers);
    return await NodeRunner.RunAsync(host, "Lighthouse", Console.Out, cancellationToken);
});
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    return await CommandLineErrors.ReportAsync(parsed, Console.Error);
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
