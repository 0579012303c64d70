using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Cluster.Agents.Core.Configuration;
using Cluster.Contracts;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Serialization;
using Cluster.Tests.Calls;
using Xunit;

namespace Cluster.Tests.Security;

/// <summary>A message of the tests' own contracts that carries any value.</summary>
/// <param name="Value">The value.</param>
public sealed record Carrier(object Value) : IClusterMessage;

/// <summary>
/// A raw remoting peer whose serializer has no allow-list sends a node types it may not create: the node refuses
/// them, logs each type once, counts every refusal, answers calls with a clear error and keeps working.
/// </summary>
public sealed class AllowListAcrossTheWireSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly Config Remote = ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        """).WithFallback(ClusterHocon.Base);

    private static readonly Config Peer = ConfigurationFactory.ParseString(
        $"akka.actor.serializers.hyperion = \"{typeof(UnfilteredHyperionSerializer).AssemblyQualifiedName}\"").WithFallback(Remote);

    public AllowListAcrossTheWireSpec()
        : base(Remote, "node")
    {
    }

    private HyperionSerializer NodeSerializer => (HyperionSerializer)Sys.Serialization.FindSerializerForType(typeof(IClusterMessage));

    private static Address AddressOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    [Fact]
    public async Task A_peer_naming_a_type_off_the_allow_list_is_refused_logged_once_and_counted_while_the_node_keeps_serving()
    {
        Sys.ActorOf(TestResponder.Props(), "drive");
        Sys.ActorOf(Props.Create(() => new Forwarder(TestActor)), "inbox");
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings, typeof(Warning));
        using var peer = ActorSystem.Create("node", Peer);
        var caller = new TestProbe(peer, new XunitAssertions());
        var node = AddressOf(Sys);
        var remoteDrive = await peer.ActorSelection(new RootActorPath(node) / "user" / "drive").ResolveOne(Patience);
        var remoteInbox = await peer.ActorSelection(new RootActorPath(node) / "user" / "inbox").ResolveOne(Patience);
        Assert.IsType<UnfilteredHyperionSerializer>(peer.Serialization.FindSerializerForType(typeof(IClusterMessage)));
        var before = NodeSerializer.RefusedCount;

        remoteInbox.Tell(new Carrier(new StringBuilder("rm -rf /")), caller.Ref);
        remoteDrive.Tell(new CallRequest(1, new StringBuilder("rm -rf /")), caller.Ref);
        remoteDrive.Tell(new CallRequest(2, new StringBuilder("again")), caller.Ref);

        var failed = await caller.ExpectMsgAsync<CallFailed>(Patience);
        Assert.Equal(typeof(System.Runtime.Serialization.SerializationException).FullName, failed.Error.ExceptionType);
        Assert.Contains("System.Text.StringBuilder", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Refused to create", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await caller.ExpectMsgAsync<CallFailed>(Patience)).CallId);

        // The same association still carries allowed messages, both ways: nothing was torn down.
        remoteDrive.Tell(new CallRequest(3, new Echo("still here")), caller.Ref);
        var reply = await caller.ExpectMsgAsync<CallReply>(Patience);
        Assert.Equal("still here", reply.Value);
        remoteInbox.Tell(new Carrier("plain data"), caller.Ref);
        Assert.Equal("plain data", (await ExpectMsgAsync<Carrier>(Patience)).Value);

        Assert.Equal(3, NodeSerializer.RefusedCount - before);
        Sys.EventStream.Publish(new Warning("spec", typeof(AllowListAcrossTheWireSpec), "end of refusals"));
        var logged = 0;
        while (await warnings.ExpectMsgAsync<Warning>(Patience) is var warning && !Equals(warning.Message, "end of refusals"))
        {
            var text = warning.ToString();
            if (text.Contains("each type is logged once", StringComparison.Ordinal))
            {
                Assert.Contains("System.Text.StringBuilder", text, StringComparison.Ordinal);
                logged++;
            }
        }

        Assert.Equal(1, logged);
    }

    [Fact]
    public async Task A_peer_may_still_send_the_frameworks_types_and_dotnet_data()
    {
        Sys.ActorOf(Props.Create(() => new Forwarder(TestActor)), "inbox");
        using var peer = ActorSystem.Create("node", Peer);
        var remoteInbox = await peer.ActorSelection(new RootActorPath(AddressOf(Sys)) / "user" / "inbox").ResolveOne(Patience);
        var before = NodeSerializer.RefusedCount;

        remoteInbox.Tell(new Carrier(new Dictionary<string, List<double>> { ["x"] = [1.5, 2.5] }));
        remoteInbox.Tell(new Carrier(new RemoteError("arm", "node", "System.InvalidOperationException", "not homed", "")));

        var dictionary = Assert.IsType<Dictionary<string, List<double>>>((await ExpectMsgAsync<Carrier>(Patience)).Value);
        Assert.Equal([1.5, 2.5], dictionary["x"]);
        Assert.IsType<RemoteError>((await ExpectMsgAsync<Carrier>(Patience)).Value);
        Assert.Equal(before, NodeSerializer.RefusedCount);
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef target) => ReceiveAny(message => target.Forward(message));
    }
}
