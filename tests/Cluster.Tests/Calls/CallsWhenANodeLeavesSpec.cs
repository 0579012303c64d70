using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Calls;

public sealed class CallsWhenANodeLeavesSpec
{
    [Fact]
    public async Task A_call_to_a_target_whose_node_stops_mid_call_fails_with_TargetTerminatedException_not_a_timeout()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var farNode = Akka.Cluster.Cluster.Get(cluster[1]).SelfAddress;
        var responder = cluster[1].ActorOf(TestResponder.Props("far/arm"));
        await NameRegistry.Get(cluster[1]).RegisterAsync("far/arm", "device", responder);
        var holding = cluster.CreateProbe(0);
        await holding.AwaitAssertAsync(() => Assert.True(NameRegistry.Get(cluster[0]).TryLookup("far/arm", out _)), TimeSpan.FromSeconds(30));
        var call = CallClient.Get(cluster[0]).RequestAsync<string>("far/arm", new Hold(holding.Ref), TimeSpan.FromMinutes(5));
        await holding.ExpectMsgAsync("holding", TimeSpan.FromSeconds(10));

        await cluster.StopNodeAsync(1);

        var error = await Assert.ThrowsAsync<TargetTerminatedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("far/arm", error.TargetName);
        Assert.Equal(farNode.ToString(), error.TargetNode);
        Assert.Contains($"'far/arm' on {farNode}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_to_a_target_whose_node_is_downed_mid_call_fails_with_TargetTerminatedException_not_a_timeout()
    {
        // What the downing rule does to a crashed node (after seconds), done at once by hand.
        await using var cluster = await TestCluster.StartAsync(3);
        var responder = cluster[2].ActorOf(TestResponder.Props("downed/arm"));
        await NameRegistry.Get(cluster[2]).RegisterAsync("downed/arm", "device", responder);
        var holding = cluster.CreateProbe(0);
        await holding.AwaitAssertAsync(() => Assert.True(NameRegistry.Get(cluster[0]).TryLookup("downed/arm", out _)), TimeSpan.FromSeconds(30));
        var call = CallClient.Get(cluster[0]).RequestAsync<string>("downed/arm", new Hold(holding.Ref), TimeSpan.FromMinutes(5));
        await holding.ExpectMsgAsync("holding", TimeSpan.FromSeconds(10));

        Akka.Cluster.Cluster.Get(cluster[1]).Down(Akka.Cluster.Cluster.Get(cluster[2]).SelfAddress);

        var error = await Assert.ThrowsAsync<TargetTerminatedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("downed/arm", error.TargetName);
    }
}
