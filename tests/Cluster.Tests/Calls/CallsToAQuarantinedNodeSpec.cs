using Akka.Actor;
using Akka.Remote;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Calls;

public sealed class CallsToAQuarantinedNodeSpec
{
    [Fact]
    public async Task A_call_in_flight_to_a_node_this_node_quarantines_fails_with_TargetTerminatedException_naming_target_and_node_at_once()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var far = Akka.Cluster.Cluster.Get(cluster[1]).SelfUniqueAddress;
        var responder = cluster[1].ActorOf(TestResponder.Props("quarantined/arm"));
        await NameRegistry.Get(cluster[1]).RegisterAsync("quarantined/arm", "device", responder);
        var holding = cluster.CreateProbe(0);
        await holding.AwaitAssertAsync(() => Assert.True(NameRegistry.Get(cluster[0]).TryLookup("quarantined/arm", out _)), TimeSpan.FromSeconds(10));
        var call = CallClient.Get(cluster[0]).RequestAsync<string>("quarantined/arm", new Hold(holding.Ref), TimeSpan.FromMinutes(5));
        await holding.ExpectMsgAsync("holding", TimeSpan.FromSeconds(10));

        // What remoting does when system messages to a node cannot be delivered; the node is still a member, not downed.
        ((RemoteActorRefProvider)((ExtendedActorSystem)cluster[0]).Provider).Quarantine(far.Address, far.Uid);

        var error = await Assert.ThrowsAsync<TargetTerminatedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("quarantined/arm", error.TargetName);
        Assert.Equal(far.Address.ToString(), error.TargetNode);
        Assert.Contains($"'quarantined/arm' on {far.Address}", error.Message, StringComparison.Ordinal);

        // It failed on the quarantine itself: the node is still Up here, neither downed nor removed, so no downing ended the call.
        Assert.Contains(Akka.Cluster.Cluster.Get(cluster[0]).State.Members, m => m.UniqueAddress == far && m.Status == Akka.Cluster.MemberStatus.Up);
    }
}
