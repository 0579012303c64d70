using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;

namespace Cluster.Bench.Support;

/// <summary>
/// Cluster nodes in this process, each an actor system on 127.0.0.1 with a free port, joined into one
/// cluster. Disposing terminates every node.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan TerminateTimeout = TimeSpan.FromSeconds(15);

    // What Akka parses `akka.loglevel = OFF` to: above every level, so nothing is published.
    private static readonly LogLevel LogOff = Logging.LogLevelFor("OFF");

    private readonly ActorSystem[] _systems;

    private ClusterNodes(ActorSystem[] systems) => _systems = systems;

    /// <summary>Gets the node at <paramref name="index"/>; node 0 is the seed.</summary>
    /// <param name="index">The node's index.</param>
    public ActorSystem this[int index] => _systems[index];

    /// <summary>Starts <paramref name="count"/> nodes and waits until every node sees all of them Up.</summary>
    /// <param name="count">The number of nodes.</param>
    /// <param name="config">The nodes' settings, e.g. from <see cref="BenchConfig.Node"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The started nodes.</returns>
    /// <exception cref="TimeoutException">The cluster did not form in time; the nodes are terminated.</exception>
    public static async Task<ClusterNodes> StartAsync(int count, Config config, CancellationToken cancellationToken)
    {
        var nodes = new ClusterNodes([.. Enumerable.Range(0, count).Select(_ => ActorSystem.Create(BenchConfig.SystemName, config))]);
        try
        {
            var seed = Akka.Cluster.Cluster.Get(nodes[0]).SelfAddress;
            foreach (var system in nodes._systems)
            {
                Akka.Cluster.Cluster.Get(system).Join(seed);
            }

            await Conditions.WaitUntilAsync(
                () => nodes._systems.All(system => AllUp(system, count)),
                UpTimeout,
                $"{count} cluster nodes Up",
                cancellationToken);
            return nodes;
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>Terminates the nodes one by one, the seed last.</summary>
    /// <returns>A task that completes when all nodes are terminated.</returns>
    /// <exception cref="TimeoutException">A node did not terminate in time.</exception>
    /// <remarks>
    /// Terminating a node runs its coordinated shutdown, which first leaves the cluster. Nodes terminated
    /// all at once cut each other's connections mid-shutdown; one by one, each leaves gracefully. Even so,
    /// Akka.NET often logs a departed peer's closed connection as a failed association (a warning and an
    /// error), so the nodes are muted first: teardown is not measured, and a node that does not terminate
    /// still fails the run.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
        {
            system.EventStream.SetLogLevel(LogOff);
        }

        foreach (var system in _systems.Reverse())
        {
            await system.Terminate().WaitAsync(TerminateTimeout);
        }
    }

    private static bool AllUp(ActorSystem system, int count)
    {
        var members = Akka.Cluster.Cluster.Get(system).State.Members;
        return members.Count == count && members.All(member => member.Status == MemberStatus.Up);
    }
}
