using Akka.Event;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class TopicPayloadSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly ILoggingAdapter _log;

    public TopicPayloadSpec()
        : base(LocalNode.Config, "topic-payload-spec")
    {
        Sys.EventStream.Subscribe(TestActor, typeof(Warning));
        _log = new BusLogging(Sys.EventStream, "topic-payload-spec", typeof(TopicPayloadSpec), DefaultLogMessageFormatter.Instance);
    }

    private static TopicMessage Message(object payload) =>
        new("drive/odometry", payload, "drive", DateTimeOffset.UnixEpoch, "drive/*");

    [Fact]
    public void A_payload_of_the_expected_type_is_read_as_it()
    {
        Assert.True(TopicPayload.TryRead<Odometry>(Message(new Odometry(1, 2)), _log, "Device 'arm'", out var odometry));

        Assert.Equal(new Odometry(1, 2), odometry);
    }

    [Fact]
    public async Task A_payload_of_another_type_is_refused_with_a_warning_naming_who_skips_it_both_types_the_topic_and_the_sender()
    {
        Assert.False(TopicPayload.TryRead<List<Odometry>>(Message(new byte[] { 1 }), _log, "Device 'arm'", out _));

        var warning = await ExpectMsgAsync<Warning>(Wait);
        Assert.Equal(
            "Device 'arm' skipped a System.Byte[] on topic 'drive/odometry' from drive: it takes System.Collections.Generic.List<Cluster.Tests.Topics.Odometry>.",
            warning.Message.ToString());
    }
}
