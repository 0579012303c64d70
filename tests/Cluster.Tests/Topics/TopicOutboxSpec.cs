using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class TopicOutboxSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public TopicOutboxSpec()
        : base(LocalNode.Config, "outbox-spec")
    {
    }

    private static TopicEnvelope Envelope(string route, int seq, int bytes) =>
        new("sensors/imu", route, "imu", DateTimeOffset.UnixEpoch, new byte[bytes]) { LocalPayload = seq };

    // What the outbox counts for an envelope: its strings at 3 bytes a character, 32 bytes of fields, its payload.
    private static long Counted(TopicEnvelope e) => 3L * (e.Topic.Length + e.Route.Length + e.Sender.Length) + 32 + e.Payload.Length;

    private async Task<List<(string Route, TopicEnvelope Envelope, long BatchBytes)>> ReceiveAsync(int count)
    {
        var received = new List<(string, TopicEnvelope, long)>();
        while (received.Count < count)
        {
            var publish = await ExpectMsgAsync<Publish>(Patience);
            switch (publish.Message)
            {
                case TopicEnvelope envelope:
                    received.Add((publish.Topic, envelope, Counted(envelope)));
                    break;
                case TopicBatch batch:
                    var bytes = batch.Envelopes.Sum(Counted);
                    received.AddRange(batch.Envelopes.Select(e => (publish.Topic, e, bytes)));
                    break;
                default:
                    Assert.Fail($"unexpected {publish.Message.GetType()}");
                    break;
            }
        }

        return received;
    }

    [Fact]
    public async Task Queued_publishes_reach_the_mediator_in_order_per_route_and_batches_stay_within_the_frame()
    {
        var settings = new TopicSettings { BatchGap = TimeSpan.FromSeconds(1), MaxPayloadBytes = 10_000 };
        var outbox = new TopicOutbox(TestActor, settings);

        for (var i = 0; i < 300; i++)
        {
            var route = i % 3 == 0 ? "glob:sensors/*" : "sensors/imu";
            outbox.Send(route, Envelope(route, i, bytes: 1_000), queue: true);
        }

        var received = await ReceiveAsync(300);
        foreach (var route in new[] { "sensors/imu", "glob:sensors/*" })
        {
            var sequence = received.Where(r => r.Route == route).Select(r => (int)r.Envelope.LocalPayload!).ToList();
            Assert.Equal(Enumerable.Range(0, 300).Where(i => (i % 3 == 0) == (route != "sensors/imu")), sequence);
        }

        Assert.All(received, r => Assert.Equal(r.Route, r.Envelope.Route));
        Assert.All(received, r => Assert.True(r.BatchBytes <= 10_000, $"a batch of {r.BatchBytes} bytes passes the 10,000-byte limit"));
    }

    [Fact]
    public async Task A_publish_that_is_not_queued_goes_to_the_mediator_alone_and_at_once()
    {
        var outbox = new TopicOutbox(TestActor, new TopicSettings());

        outbox.Send("sensors/imu", Envelope("sensors/imu", 1, bytes: 10), queue: false);

        var publish = await ExpectMsgAsync<Publish>(Patience);
        Assert.IsType<TopicEnvelope>(publish.Message);
        Assert.Equal((0, 0), (outbox.Batches, outbox.Batched));
    }

    [Fact]
    public void With_a_batch_gap_of_zero_nothing_is_queued()
    {
        var outbox = new TopicOutbox(TestActor, new TopicSettings { BatchGap = TimeSpan.Zero });

        Assert.False(outbox.ShouldQueue());
        Assert.False(outbox.ShouldQueue());
    }

    [Fact]
    public void A_publish_right_after_another_is_queued_and_one_after_a_pause_is_not()
    {
        var outbox = new TopicOutbox(TestActor, new TopicSettings { BatchGap = TimeSpan.FromHours(1) });
        var paced = new TopicOutbox(TestActor, new TopicSettings { BatchGap = TimeSpan.FromTicks(1) });

        outbox.ShouldQueue();
        Assert.True(outbox.ShouldQueue());
        paced.ShouldQueue();
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        SpinWait.SpinUntil(() => System.Diagnostics.Stopwatch.GetElapsedTime(start) > TimeSpan.FromMicroseconds(10));
        Assert.False(paced.ShouldQueue());
    }
}
