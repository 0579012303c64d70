using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cluster.Agents.Hosting;

/// <summary>
/// A readiness health check for a cluster node: Healthy only once the node is Up in its cluster and every agent
/// added before it has started, so that a supervisor (systemd, a container orchestrator) knows when the node is ready.
/// </summary>
public static class NodeReadiness
{
    /// <summary>The health check's name.</summary>
    public const string Name = "cluster-node-ready";

    /// <summary>The tag the check carries, for readiness endpoints that filter by tag.</summary>
    public const string Tag = "ready";

    /// <summary>Adds the readiness check; call it after the node's agents are added.</summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithReadinessCheck(this AkkaConfigurationBuilder builder)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Startup tasks run after every actor starter has finished, so the agents have started by then.
        builder.AddStartup((_, _) => started.TrySetResult());
        return builder.WithHealthCheck(
            Name,
            (system, _, _) =>
            {
                var status = Akka.Cluster.Cluster.Get(system).SelfMember.Status;
                var result = !started.Task.IsCompleted
                    ? HealthCheckResult.Unhealthy("the node's agents have not all started yet.")
                    : status != MemberStatus.Up
                        ? HealthCheckResult.Unhealthy($"the node is {status} in its cluster, not Up.")
                        : HealthCheckResult.Healthy("the node is Up and its agents have started.");
                return Task.FromResult(result);
            },
            tags: [Tag]);
    }
}
