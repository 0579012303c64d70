using System.CommandLine;
using System.Net;
using Cluster.Agents.Cli;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;

var node = new NodeCommandLine();
var verbose = new Option<bool>("--verbose") { Description = "Show Akka's own information messages, not just its warnings." };
var root = new RootCommand(
    "The Lighthouse: a seed node that lets the hosts of a cluster find each other, and does nothing else. " +
    "It seeds itself; give the other Lighthouses with --seed (or CLUSTER_SEEDS) to run several.");
node.AddTo(root);
root.Add(verbose);
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

    // A Lighthouse is one of the seeds: listed after the given ones, it forms the cluster itself only
    // when it is the first seed or the only one.
    var self = new DnsEndPoint(options.Ip, options.Port);
    if (!options.Seeds.IsEmpty && options.Port != 0 && !options.Seeds.Any(seed => seed.Host == self.Host && seed.Port == self.Port))
    {
        options = options with { Seeds = options.Seeds.Add(self) };
    }

    await Console.Out.WriteLineAsync($"Lighthouse, group '{options.Group}'.");
    using var host = NodeRunner.Build(options, ClusterHocon.Lighthouse, [], parse.GetValue(verbose));
    return await NodeRunner.RunAsync(host, "Lighthouse", Console.Out, cancellationToken);
});
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    return await CommandLineErrors.ReportAsync(parsed, Console.Error);
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
