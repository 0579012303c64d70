using Xunit;

namespace Cluster.Tests.MultiNode;

/// <summary>A three-node <see cref="TestCluster"/> shared by the tests of one class; tests keep apart by their own topic and actor names.</summary>
public sealed class ThreeNodeClusterFixture : IAsyncLifetime
{
    /// <summary>Gets the cluster.</summary>
    public TestCluster Cluster { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(3);

    /// <inheritdoc />
    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
