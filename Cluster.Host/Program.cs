using System.CommandLine;
using Cluster.Host;

var root = HostCommands.Create(Console.Out, Console.Error);
// The generic host handles Ctrl+C and SIGTERM itself, so that a node always leaves the cluster gracefully.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
