using Akka.Actor;
using Cluster.Agents.Core.Registry;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Paths;

/// <summary>Helpers shared by the paths specs.</summary>
internal static class PathsTesting
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>A path no other test uses, so tests can share a cluster.</summary>
    public static string UniquePath(string leaf) => $"/t{Guid.NewGuid():N}/{leaf}";

    /// <summary>Waits until <paramref name="node"/>'s registry holds (or no longer holds) <paramref name="path"/>.</summary>
    public static Task AwaitRegisteredAsync(TestCluster cluster, int node, string path, bool registered = true) =>
        cluster.CreateProbe(node).AwaitAssertAsync(
            () => Assert.Equal(registered, NameRegistry.Get(cluster[node]).TryLookup(path, out _)),
            Wait);

    /// <summary>Waits until <paramref name="system"/>'s registry holds <paramref name="path"/>.</summary>
    public static Task AwaitRegisteredAsync(ActorSystem system, string path) =>
        new Akka.TestKit.TestProbe(system, new Akka.TestKit.Xunit2.XunitAssertions()).AwaitAssertAsync(
            () => Assert.True(NameRegistry.Get(system).TryLookup(path, out _)),
            Wait);
}
