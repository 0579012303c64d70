using Akka.Actor;
using Akka.TestKit;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Devices;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Devices;
using Cluster.Contracts.Topics;
using Cluster.Tests.MultiNode;
using Heard = Cluster.Tests.Devices.ProbedDevice.Heard;
using Xunit;

namespace Cluster.Tests.Devices;

public sealed class DeviceSpec(ThreeNodeClusterFixture fixture) : IClassFixture<ThreeNodeClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly TestCluster _cluster = fixture.Cluster;
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private async Task<(string Name, TestProbe Probe)> StartProbedAsync(int node, string name)
    {
        var probe = _cluster.CreateProbe(node);
        var device = $"{name}-{_id}";
        await NamedActors.StartAsync(_cluster[node], Props.Create(() => new ProbedDevice(probe.Ref)), device);
        await WaitUntilKnownEverywhereAsync(device);
        return (device, probe);
    }

    private async Task WaitUntilKnownEverywhereAsync(string device) =>
        await _cluster.CreateProbe(0).AwaitAssertAsync(
            () => Assert.All(_cluster.Nodes, node => Assert.True(NameRegistry.Get(node).TryLookup(device, out _))),
            Wait);

    private Task<T> RequestAsync<T>(int fromNode, string device, string endpoint, params object?[] args) =>
        CallClient.Get(_cluster[fromNode]).RequestAsync<T>(device, new EndpointCall(endpoint, args), Wait);

    [Fact]
    public async Task A_request_reaches_a_device_on_another_node_and_arguments_are_converted()
    {
        var (drive, _) = await StartProbedAsync(0, "drive");

        Assert.Equal(1.5, await RequestAsync<double>(2, drive, "set-speed", 1.5));
        Assert.Equal(2.0, await RequestAsync<double>(1, drive, "set-speed", 2));
        Assert.Equal(2.0, await RequestAsync<double>(1, drive, "speed"));
        Assert.Equal("abab", await RequestAsync<string>(2, drive, "repeat", "ab", 2));
    }

    [Fact]
    public async Task A_device_requests_another_device_by_name()
    {
        var (drive, _) = await StartProbedAsync(0, "drive");
        var (planner, _) = await StartProbedAsync(1, "planner");
        await RequestAsync<double>(2, drive, "set-speed", 3.25);

        Assert.Equal(3.25, await RequestAsync<double>(2, planner, "ask-other", drive));
    }

    [Fact]
    public async Task A_second_device_with_a_taken_name_fails_naming_it()
    {
        var (drive, _) = await StartProbedAsync(0, "drive");

        var error = await Assert.ThrowsAsync<DuplicateNameException>(() =>
            NamedActors.StartAsync(_cluster[1], Props.Create(() => new ProbedDevice(ActorRefs.Nobody)), drive));

        Assert.Contains(drive, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handlers_get_topic_and_payload_for_exact_glob_sync_async_and_typed_subscriptions()
    {
        var (_, probe) = await StartProbedAsync(1, "listener");
        var bus = TopicBus.Get(_cluster[2]);

        bus.Publish($"arm-{_id}/command", "raise");
        bus.Publish($"async/{_id}", 7);
        bus.Publish($"typed/{_id}", 42);

        var heard = new[] { await probe.ExpectMsgAsync<Heard>(Wait), await probe.ExpectMsgAsync<Heard>(Wait), await probe.ExpectMsgAsync<Heard>(Wait) };
        Assert.Contains(new Heard("sync", $"arm-{_id}/command", "raise"), heard);
        Assert.Contains(new Heard("async", $"async/{_id}", 7), heard);
        Assert.Contains(new Heard("typed", $"typed/{_id}", 42), heard);
    }

    [Fact]
    public async Task Publish_goes_out_on_the_device_name_and_event_with_the_device_as_sender()
    {
        var (drive, _) = await StartProbedAsync(0, "drive");
        var subscriber = _cluster.CreateProbe(2);
        await TopicBus.Get(_cluster[2]).SubscribeAsync($"{drive}/odometry", subscriber.Ref);

        CallClient.Get(_cluster[1]).Send(drive, new EndpointCall("publish", ["test", 12.5]));

        var message = await subscriber.ExpectMsgAsync<TopicMessage>(Wait);
        Assert.Equal(($"{drive}/odometry", (object)12.5, drive), (message.Topic, message.Payload, message.Sender));
    }

    [Fact]
    public async Task Send_is_fire_and_forget_and_the_handler_gets_the_sender_name_and_the_data()
    {
        var (arm, armProbe) = await StartProbedAsync(0, "arm");
        var (planner, _) = await StartProbedAsync(2, "planner");

        CallClient.Get(_cluster[1]).Send(planner, new EndpointCall("send-to", ["test", arm]));

        Assert.Equal(new Heard("stop", planner, "from a device"), await armProbe.ExpectMsgAsync<Heard>(Wait));
    }

    [Fact]
    public async Task A_request_to_an_unknown_device_fails_at_once_naming_it()
    {
        var error = await Assert.ThrowsAsync<UnknownNameException>(() => RequestAsync<double>(0, $"nobody-{_id}", "speed"));

        Assert.Contains($"nobody-{_id}", error.Message, StringComparison.Ordinal);
        Assert.Throws<UnknownNameException>(() => CallClient.Get(_cluster[0]).Send($"nobody-{_id}", new EndpointCall("stop", ["x", null])));
    }

    [Fact]
    public async Task An_unknown_endpoint_fails_naming_it_and_listing_the_endpoints()
    {
        var (drive, _) = await StartProbedAsync(0, "drive");

        var error = await Assert.ThrowsAsync<RemoteException>(() => RequestAsync<double>(1, drive, "sped"));

        Assert.Equal(typeof(UnknownEndpointException).FullName, error.RemoteType);
        Assert.Contains("'sped'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ask-other, fail, publish, repeat, send-to, set-speed, speed, stop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_that_throws_gives_the_caller_a_remote_exception_and_the_device_keeps_serving()
    {
        var (drive, _) = await StartProbedAsync(0, "drive");

        var error = await Assert.ThrowsAsync<RemoteException>(() => RequestAsync<double>(1, drive, "fail"));

        Assert.Equal(drive, error.OriginName);
        Assert.Equal(Akka.Cluster.Cluster.Get(_cluster[0]).SelfAddress.ToString(), error.OriginNode);
        Assert.Equal(typeof(InvalidOperationException).FullName, error.RemoteType);
        Assert.EndsWith("motor fault", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ProbedDevice), error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.Equal(0.0, await RequestAsync<double>(1, drive, "speed"));
    }

    [Fact]
    public async Task Wrong_arguments_fail_naming_the_endpoint_and_the_position()
    {
        var (drive, _) = await StartProbedAsync(0, "drive");

        var wrongType = await Assert.ThrowsAsync<RemoteException>(() => RequestAsync<double>(1, drive, "set-speed", "fast"));
        var wrongCount = await Assert.ThrowsAsync<RemoteException>(() => RequestAsync<double>(1, drive, "set-speed"));

        Assert.Contains("Argument 1 ('speed') of the endpoint 'set-speed' of '" + drive + "' must be a Double", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("'set-speed' of '" + drive + "' takes 1 argument(s) (Double speed); it was given 0", wrongCount.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_device_publishes_a_heartbeat()
    {
        var (drive, _) = await StartProbedAsync(0, "drive");
        var subscriber = _cluster.CreateProbe(1);
        await TopicBus.Get(_cluster[1]).SubscribeAsync($"{drive}/heartbeat", subscriber.Ref);

        var heartbeat = (DeviceHeartbeat)(await subscriber.ExpectMsgAsync<TopicMessage>(Wait)).Payload;

        Assert.Equal(drive, heartbeat.Device);
        Assert.True(heartbeat.Sequence >= 1);
    }
}
