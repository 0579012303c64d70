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
    /// <summary>
    /// Builds the generic host of a node, without starting it, with the readiness check of <see cref="NodeReadiness"/>
    /// among its health checks.
    /// </summary>
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
        builder.Services.AddHealthChecks();
        builder.Services.AddAkka(node.Group, akka =>
        {
            akka.WithClusterNode(node, programConfig).WithAgents(agents);
            configure?.Invoke(akka);
            akka.WithReadinessCheck();
        });
        return builder.Build();
    }

    /// <summary>
    /// Starts the node, reports its address, and runs it until it is stopped. Under systemd (<c>NOTIFY_SOCKET</c> set) it
    /// sends <c>READY=1</c> once the node is ready as <see cref="NodeReadiness"/> defines it, and <c>STOPPING=1</c> when it leaves.
    /// </summary>
    /// <param name="host">The host from <see cref="Build"/>.</param>
    /// <param name="describe">What the node is, for its first line of output, e.g. "Lighthouse".</param>
    /// <param name="output">Where the start-up lines go.</param>
    /// <param name="cancellationToken">Stops the node gracefully.</param>
    /// <returns>The exit code: 0 after a graceful stop, 1 when the node could not start.</returns>
    public static Task<int> RunAsync(IHost host, string describe, TextWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(host, describe, output, Environment.GetEnvironmentVariable(SystemdNotify.SocketVariable), cancellationToken);

    /// <summary>Runs the node as <see cref="RunAsync(IHost, string, TextWriter, CancellationToken)"/> does, notifying the given socket.</summary>
    /// <param name="host">The host from <see cref="Build"/>.</param>
    /// <param name="describe">What the node is.</param>
    /// <param name="output">Where the start-up lines go.</param>
    /// <param name="notifySocket">The socket of <c>NOTIFY_SOCKET</c>, or null outside systemd.</param>
    /// <param name="cancellationToken">Stops the node gracefully.</param>
    /// <returns>The exit code.</returns>
    internal static async Task<int> RunAsync(IHost host, string describe, TextWriter output, string? notifySocket, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A setting found wrong only while the node starts (e.g. cluster-node.clock.mode) is still bad input.
            if (Chain(e).OfType<ClusterConfigurationException>().FirstOrDefault() is { } configuration)
            {
                await output.WriteLineAsync($"error: {configuration.Message}").ConfigureAwait(false);
                return 2;
            }

            await output.WriteLineAsync($"error: {describe} could not start: {Innermost(e).Message}").ConfigureAwait(false);
            return 1;
        }

        var system = host.Services.GetRequiredService<ActorSystem>();
        var cluster = Akka.Cluster.Cluster.Get(system);
        await output.WriteLineAsync($"{describe} listening at {cluster.SelfAddress} (roles: {string.Join(", ", cluster.SelfRoles)}); Ctrl+C to leave.").ConfigureAwait(false);

        // The host has started, so every agent has; Up is the rest of what readiness asks.
        var joined = 0;
        cluster.RegisterOnMemberUp(() =>
        {
            Interlocked.Exchange(ref joined, 1);
            output.WriteLine($"cluster up: {cluster.SelfAddress} is Up in cluster '{system.Name}'.");
            Notify(SystemdNotify.Ready, notifySocket, output);
        });

        using var watchdog = new CancellationTokenSource();
        _ = JoinWatch.RunAsync(system, output, watchdog.Token);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using (lifetime.ApplicationStopping.Register(() => Notify(SystemdNotify.Stopping, notifySocket, output)))
        {
            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        await watchdog.CancelAsync().ConfigureAwait(false);
        await output.WriteLineAsync(Volatile.Read(ref joined) == 1
            ? $"{describe} stopped: left the cluster."
            : $"{describe} stopped: it never joined cluster '{system.Name}'.").ConfigureAwait(false);
        return 0;
    }

    private static void Notify(string state, string? notifySocket, TextWriter output)
    {
        try
        {
            SystemdNotify.Notify(state, notifySocket);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // A supervisor that stopped listening must not take the node down with it.
            output.WriteLine($"warning: could not tell systemd {state} at {notifySocket}: {e.Message}");
        }
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
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
