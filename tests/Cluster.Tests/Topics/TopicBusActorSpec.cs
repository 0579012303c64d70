using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts;
using Xunit;
using PubSub = Akka.Cluster.Tools.PublishSubscribe;

namespace Cluster.Tests.Topics;

/// <summary>The bus's actor against a probe standing in for the pub-sub mediator, on a node that joins no cluster.</summary>
public sealed class TopicBusActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    // Alone, the node has no other member to confirm a subscription with, so the actor answers as soon as the mediator acks.
    private static readonly Config NodeConfig = ConfigurationFactory.ParseString("akka.cluster.pub-sub.role = \"\"").WithFallback(ClusterHocon.Base);

    private readonly TestProbe _mediator;
    private readonly IActorRef _actor;
    private readonly TopicBus _bus;
    private long _nextId;

    public TopicBusActorSpec()
        : base(NodeConfig, "topic-bus-actor-spec")
    {
        _bus = TopicBus.Get(Sys);
        _mediator = CreateTestProbe();

        // No pattern refresh within a test: the probe sees only what subscribing and unsubscribing send.
        var settings = _bus.Settings with { PatternRefreshInterval = TimeSpan.FromHours(1) };
        var serializer = Sys.Serialization.FindSerializerForType(typeof(IClusterMessage));
        _actor = Sys.ActorOf(TopicBusActor.Props(_bus, _mediator.Ref, serializer, settings));
    }

    private TopicSubscription NewSubscription(string pattern) =>
        new(_bus, Interlocked.Increment(ref _nextId), TopicPattern.Parse(pattern), CreateTestProbe().Ref);

    private async Task<PubSub.Subscribe> SubscribeAsync(TopicSubscription subscription)
    {
        _actor.Tell(new TopicBusActor.Subscribe(subscription), TestActor);
        return await _mediator.ExpectMsgAsync<PubSub.Subscribe>(s => Assert.Equal(subscription.Pattern.Text, s.Topic), Wait);
    }

    [Fact]
    public async Task A_subscription_ended_before_the_mediator_acknowledged_it_is_unsubscribed_there_when_the_ack_arrives()
    {
        var subscription = NewSubscription("late-ack/ended");
        var subscribe = await SubscribeAsync(subscription);
        _actor.Tell(new TopicBusActor.Unsubscribe(subscription), TestActor);
        await ExpectMsgAsync<TopicBusActor.Unsubscribed>(Wait);

        _actor.Tell(new PubSub.SubscribeAck(subscribe), _mediator.Ref);

        var unsubscribe = await _mediator.ExpectMsgAsync<PubSub.Unsubscribe>(Wait);
        Assert.Equal(("late-ack/ended", subscribe.Ref), (unsubscribe.Topic, unsubscribe.Ref));
        await ExpectMsgAsync<TopicBusActor.Subscribed>(Wait);
    }

    [Fact]
    public async Task A_subscription_whose_subscriber_stopped_before_the_ack_is_unsubscribed_at_the_mediator_when_the_ack_arrives()
    {
        var subscription = NewSubscription("late-ack/stopped");
        var subscribe = await SubscribeAsync(subscription);
        Sys.Stop(subscription.Subscriber);
        await AwaitAssertAsync(() => Assert.DoesNotContain(_bus.LocalSubscriptions, p => p.Text == "late-ack/stopped"), Wait);

        _actor.Tell(new PubSub.SubscribeAck(subscribe), _mediator.Ref);

        var unsubscribe = await _mediator.ExpectMsgAsync<PubSub.Unsubscribe>(Wait);
        Assert.Equal(("late-ack/stopped", subscribe.Ref), (unsubscribe.Topic, unsubscribe.Ref));
    }

    [Fact]
    public async Task A_route_subscribed_again_before_the_late_ack_stays_subscribed_at_the_mediator()
    {
        var ended = NewSubscription("late-ack/again");
        var subscribe = await SubscribeAsync(ended);
        _actor.Tell(new TopicBusActor.Unsubscribe(ended), TestActor);
        await ExpectMsgAsync<TopicBusActor.Unsubscribed>(Wait);
        _actor.Tell(new TopicBusActor.Subscribe(NewSubscription("late-ack/again")), TestActor);

        _actor.Tell(new PubSub.SubscribeAck(subscribe), _mediator.Ref);
        await ExpectMsgAsync<TopicBusActor.Subscribed>(Wait);
        await ExpectMsgAsync<TopicBusActor.Subscribed>(Wait);

        // The mediator's next message is the next subscription's, not an Unsubscribe of the live route.
        await SubscribeAsync(NewSubscription("late-ack/next"));
    }
}
