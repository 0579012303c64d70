using System.Collections.Immutable;
using Akka.Actor;
using Cluster.Contracts.Serialization;
using Cluster.Tests.Serialization;
using Xunit;

namespace Cluster.Tests.MultiNode;

public sealed class SerializationAcrossNodesSpec : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Contract_messages_cross_between_nodes_through_the_hyperion_serializer()
    {
        var receiver = _cluster.CreateProbe(1);
        var sender = _cluster.CreateProbe(0);
        var message = new SampleContract(
            "across",
            ["t"],
            ImmutableDictionary<string, int>.Empty.Add("n", 7),
            [new SamplePayload("odometry", 3.5, [4, 5])],
            12,
            sender.Ref,
            new TimeoutException("late"));
        foreach (var node in _cluster.Nodes)
        {
            Assert.IsType<HyperionSerializer>(node.Serialization.FindSerializerFor(message));
        }

        // Resolve the receiver by its full remote path, so the message really crosses the wire.
        var remotePath = receiver.Ref.Path.ToStringWithAddress(Akka.Cluster.Cluster.Get(_cluster[1]).SelfAddress);
        var remoteReceiver = await _cluster[0].ActorSelection(remotePath).ResolveOne(TimeSpan.FromSeconds(30));
        remoteReceiver.Tell(message, sender.Ref);

        var received = await receiver.ExpectMsgAsync<SampleContract>(TimeSpan.FromSeconds(30));
        Assert.Equal("across", received.Text);
        Assert.Equal(12, received.Boxed);
        Assert.Equal(new[] { 4, 5 }, received.Payloads[0].Readings);
        Assert.Equal("late", Assert.IsType<TimeoutException>(received.Error).Message);

        // The actor reference inside the payload points back across the wire to the sender's node.
        received.ReplyTo!.Tell("back");
        await sender.ExpectMsgAsync("back", TimeSpan.FromSeconds(30));
        Assert.Equal(Akka.Cluster.Cluster.Get(_cluster[0]).SelfAddress, received.ReplyTo!.Path.Address);
    }
}
