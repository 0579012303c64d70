using Xunit;

namespace Cluster.Tests.MultiNode;

/// <summary>A <see cref="TestCluster"/> shared by the tests of one class; they must not stop its nodes.</summary>
public abstract class ClusterFixture(int count) : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(count);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class TwoNodeClusterFixture() : ClusterFixture(2);

public sealed class ThreeNodeClusterFixture() : ClusterFixture(3);
