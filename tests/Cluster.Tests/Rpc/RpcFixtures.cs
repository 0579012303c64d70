using Cluster.Tests.MultiNode;

namespace Cluster.Tests.Rpc;

public sealed class OneNodeClusterFixture() : ClusterFixture(1);
