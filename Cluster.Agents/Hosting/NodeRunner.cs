using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Cluster.Agents.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Runs a cluster node as a .NET generic host until Ctrl+C or SIGTERM, which make it leave the cluster
/// gracefully (Akka's CoordinatedShutdown), or until the cluster downs it.
/// </summary>
public static class NodeRunner
{
    /// <summary>Builds the generic host of a node, without starting it.</summary>
    /// <param name="node">Where the node lives and which seeds it joins.</param>
    /// <param name="programConfig">The program's HOCON over the base.</param>
    /// <param name="agents">The agents to spawn at start.</param>
    /// <param name="verbose">Whether Akka's own information messages are shown, not just its warnings.</param>
    /// <param name="configure">Adds to the node's Akka.Hosting setup after its agents, or null.</param>
    /// <returns>The host.</returns>
    public static IHost Build(NodeOptions node, Config programConfig, ImmutableArray<AgentSpec> agents, bool verbose = false, Action<AkkaConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddNodeConsole(verbose);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.AddAkka(node.Group, akka =>
        {
            akka.WithClusterNode(node, programConfig).WithAgents(agents);
            configure?.Invoke(akka);
        });
        return builder.Build();
    }

    /// <summary>Starts the node, reports its address, and runs it until it is stopped.</summary>
    /// <param name="host">The host from <see cref="Build"/>.</param>
    /// <param name="describe">What the node is, for its first line of output, e.g. "Lighthouse".</param>
    /// <param name="output">Where the start-up lines go.</param>
    /// <param name="cancellationToken">Stops the node gracefully.</param>
    /// <returns>The exit code: 0 after a graceful stop, 1 when the node could not start.</returns>
    public static async Task<int> RunAsync(IHost host, string describe, TextWriter output, CancellationToken cancellationToken = default)
    {
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await output.WriteLineAsync($"error: {describe} could not start: {Innermost(e).Message}").ConfigureAwait(false);
            return 1;
        }

        var system = host.Services.GetRequiredService<ActorSystem>();
        var cluster = Akka.Cluster.Cluster.Get(system);
        await output.WriteLineAsync($"{describe} listening at {cluster.SelfAddress} (roles: {string.Join(", ", cluster.SelfRoles)}); Ctrl+C to leave.").ConfigureAwait(false);
        cluster.RegisterOnMemberUp(() => output.WriteLine($"cluster up: {cluster.SelfAddress} is Up in cluster '{system.Name}'."));

        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"{describe} stopped: left the cluster.").ConfigureAwait(false);
        return 0;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
