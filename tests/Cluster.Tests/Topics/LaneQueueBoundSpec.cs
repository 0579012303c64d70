using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Akka.Configuration;
using Akka.Event;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Hosting;
using Xunit;

namespace Cluster.Tests.Topics;

/// <summary>A lane that stays down keeps a bounded queue of the messages no quality of service bounds.</summary>
public sealed class LaneQueueBoundSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Publisher = "akka.tcp://robot@127.0.0.1:1";
    private const string Subscriber = "akka.tcp://robot@127.0.0.1:2";

    public LaneQueueBoundSpec()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ClusterHocon.Base), "lane-queue-bound-spec")
    {
    }

    [Fact]
    public async Task A_lane_that_stays_down_keeps_at_most_max_queued_bytes_counts_each_message_past_it_and_delivers_what_it_kept_once_it_connects()
    {
        var settings = new LaneSettings { MaxQueued = 1000, ReconnectInterval = TimeSpan.FromMilliseconds(50) };
        var log = Logging.GetLogger(Sys, "lane");
        var port = FreePort();
        await using var publisher = new TopicLane(settings, Publisher, "127.0.0.1", log, _ => true, (_, _, buffer) => buffer.Release());
        publisher.MemberUp(Subscriber);
        publisher.SetPeer(Subscriber, "127.0.0.1", port, ["imu"]);
        var lane = Assert.Single(publisher.TargetsFor(["imu"]).Senders);

        // Ten messages of 100 bytes fill the 1,000 bytes; the five after them are dropped, and logged once.
        await EventFilter.Warning(contains: "cluster-node.topics.lane.max-queued").ExpectOneAsync(() =>
        {
            for (var i = 0; i < 15; i++)
            {
                lane.Enqueue(new LaneSender.Outgoing(publisher.NextId(), "imu", "imu-agent", DateTimeOffset.UnixEpoch, LaneBuffer.Wrap(Payload(i)), 0, null));
            }

            return Task.CompletedTask;
        });

        Assert.Equal(10, lane.Queued);
        Assert.Equal(5, publisher.Statistics.QueueDropped);

        var received = Channel.CreateUnbounded<byte[]>();
        await using var subscriber = new TopicLane(settings with { Port = port }, Subscriber, "127.0.0.1", log, _ => true, (_, _, buffer) =>
        {
            received.Writer.TryWrite(buffer.Span.ToArray());
            buffer.Release();
        });
        subscriber.MemberUp(Publisher);

        for (var i = 0; i < 10; i++)
        {
            var payload = await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(Payload(i), payload);
        }

        await AwaitAssertAsync(() => Assert.Equal(0, lane.Queued), TimeSpan.FromSeconds(5));
        Assert.False(received.Reader.TryRead(out _));
        Assert.Equal(5, publisher.Statistics.QueueDropped);
    }

    [Fact]
    public void The_bound_is_read_from_the_configuration_with_a_default_of_64_MiB()
    {
        Assert.Equal(64L * 1024 * 1024, Read("").MaxQueued);
        Assert.Equal(1024L * 1024, Read("cluster-node.topics.lane.max-queued = 1MiB").MaxQueued);
        var error = Assert.Throws<ClusterConfigurationException>(() => Read("cluster-node.topics.lane.max-queued = lots"));
        Assert.Equal("cluster-node.topics.lane.max-queued", error.Key);
    }

    private static LaneSettings Read(string hocon) => TopicSettingsSpec.Read(hocon).Lane;

    private static byte[] Payload(int i) => Enumerable.Repeat((byte)i, 100).ToArray();

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
