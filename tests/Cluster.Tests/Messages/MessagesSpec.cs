using System.Collections.Concurrent;
using Akka.TestKit;
using Cluster.Agents.Messages;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Messages;

public sealed record Pose
{
    public required double X { get; init; }

    public required double Y { get; init; }

    public string Frame { get; init; } = "map";
}

public sealed class MessagesSpec(ThreeNodeClusterFixture fixture) : IClassFixture<ThreeNodeClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly TestCluster _cluster = fixture.Cluster;
    private readonly string _channel = "c" + Guid.NewGuid().ToString("N")[..8];

    private TestProbe Probe() => _cluster.CreateProbe(0);

    private static Pose At(double x) => new() { X = x, Y = -x };

    [Fact]
    public async Task A_broadcaster_publishes_on_the_type_name_by_default_and_a_listener_without_filter_hears_every_topic()
    {
        await using var listener = new Listener<Pose>(_cluster[1]);
        var heard = new BlockingCollection<Received<Pose>>();
        listener.Subscribe(heard.Add);
        await listener.OpenAsync();
        var broadcaster = new Broadcaster<Pose>(_cluster[2], sender: "localizer");

        broadcaster.Publish(At(1));
        broadcaster.Publish(At(2), topic: "left");

        Assert.True(heard.TryTake(out var first, Wait));
        Assert.True(heard.TryTake(out var second, Wait));
        Assert.Equal(("Pose", At(1), "localizer"), (first.Topic, first.Payload, first.Sender));
        Assert.Equal(("left", At(2)), (second.Topic, second.Payload));
        Assert.Equal("Pose", broadcaster.Topic);
    }

    [Fact]
    public async Task A_listener_with_topics_hears_only_those()
    {
        await using var listener = new Listener<Pose>(_cluster[0], "left", "right");
        var heard = new BlockingCollection<Received<Pose>>();
        listener.Subscribe(heard.Add);
        await listener.OpenAsync();
        var broadcaster = new Broadcaster<Pose>(_cluster[1], topic: "left");

        broadcaster.Publish(At(1), topic: "front");
        broadcaster.Publish(At(2));
        broadcaster.Publish(At(3), topic: "right");

        Assert.True(heard.TryTake(out var first, Wait));
        Assert.True(heard.TryTake(out var second, Wait));
        Assert.Equal([("left", 2.0), ("right", 3.0)], new[] { (first.Topic, first.Payload.X), (second.Topic, second.Payload.X) }.Order());
    }

    [Fact]
    public async Task Raw_broadcasters_and_listeners_carry_untyped_payloads_on_a_named_channel()
    {
        await using var listener = new RawListener(_cluster[1], _channel);
        var heard = new BlockingCollection<Received<object>>();
        listener.Subscribe(heard.Add);
        await listener.OpenAsync();
        var broadcaster = new RawBroadcaster(_cluster[0], _channel);

        broadcaster.Publish("hello world");
        broadcaster.Publish(new[] { 1, 2, 3 }, topic: "numbers");

        Assert.True(heard.TryTake(out var text, Wait));
        Assert.True(heard.TryTake(out var numbers, Wait));
        Assert.Equal((_channel, (object)"hello world"), (text.Topic, text.Payload));
        Assert.Equal("numbers", numbers.Topic);
        Assert.Equal([1, 2, 3], (int[])numbers.Payload);
    }

    [Fact]
    public async Task A_typed_listener_refuses_a_payload_of_another_type_and_counts_it()
    {
        await using var listener = new Listener<Pose>(_cluster[1], _channel);
        var heard = new BlockingCollection<Received<Pose>>();
        listener.Subscribe(heard.Add);
        await listener.OpenAsync();

        new RawBroadcaster(_cluster[0], "Pose").Publish("not a pose", topic: _channel);
        new Broadcaster<Pose>(_cluster[0]).Publish(At(5), topic: _channel);

        Assert.True(heard.TryTake(out var only, Wait));
        Assert.Equal(5, only.Payload.X);
        Assert.Equal(1, listener.RejectedCount);
        Assert.Equal(1, listener.ReceivedCount);
    }

    [Fact]
    public void A_broadcaster_refuses_an_object_of_another_type_naming_both_types()
    {
        var error = Assert.Throws<ArgumentException>(() => new Broadcaster<Pose>(_cluster[0]).PublishObject("text"));

        Assert.Contains("Pose", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.String", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broadcaster_closes_once_and_then_refuses_to_publish_naming_the_channel_and_the_topic()
    {
        var broadcaster = new Broadcaster<Pose>(_cluster[0], topic: _channel);

        Assert.True(broadcaster.IsOpen);
        Assert.True(broadcaster.Close());
        Assert.False(broadcaster.Close());
        Assert.False(broadcaster.IsOpen);
        var onDefault = Assert.Throws<ObjectDisposedException>(() => broadcaster.Publish(At(1)));
        var onOther = Assert.Throws<ObjectDisposedException>(() => broadcaster.PublishObject(At(2), topic: "left"));
        Assert.Contains($"channel 'Pose'", onDefault.Message, StringComparison.Ordinal);
        Assert.Contains($"topic '{_channel}'", onDefault.Message, StringComparison.Ordinal);
        Assert.Contains("topic 'left'", onOther.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_raw_broadcaster_refuses_to_publish_once_disposed()
    {
        var broadcaster = new RawBroadcaster(_cluster[0], _channel);

        broadcaster.Dispose();

        Assert.False(broadcaster.Close());
        var error = Assert.Throws<ObjectDisposedException>(() => broadcaster.Publish("late", topic: "status"));
        Assert.Contains($"channel '{_channel}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("topic 'status'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_byte_array_crosses_nodes_on_its_own_channel()
    {
        await using var listener = new Listener<byte[]>(_cluster[1], _channel);
        var heard = new BlockingCollection<Received<byte[]>>();
        listener.Subscribe(heard.Add);
        await listener.OpenAsync();
        using var broadcaster = new Broadcaster<byte[]>(_cluster[0], topic: _channel);

        broadcaster.Publish([1, 2, 3, 255]);

        Assert.True(heard.TryTake(out var received, Wait));
        Assert.Equal([1, 2, 3, 255], received.Payload);
        Assert.Equal("Byte-array", listener.Channel);
        Assert.Equal("Byte-array", broadcaster.Channel);
    }

    [Fact]
    public async Task Lists_of_different_element_types_travel_on_different_channels()
    {
        await using var strings = new Listener<List<string>>(_cluster[1], _channel);
        var heard = new BlockingCollection<Received<List<string>>>();
        strings.Subscribe(heard.Add);
        await strings.OpenAsync();
        using var broadcaster = new Broadcaster<List<string>>(_cluster[0], topic: _channel);

        broadcaster.Publish(["left", "right"]);

        Assert.True(heard.TryTake(out var received, Wait));
        Assert.Equal(["left", "right"], received.Payload);
        Assert.Equal("List(String)", strings.Channel);
        Assert.Equal("List(Int32)", new Listener<List<int>>(_cluster[1], _channel).Channel);
    }

    [Theory]
    [InlineData(typeof(Pose), "Pose")]
    [InlineData(typeof(byte[]), "Byte-array")]
    [InlineData(typeof(List<Pose>), "List(Pose)")]
    [InlineData(typeof(List<Pose>[]), "List(Pose)-array")]
    [InlineData(typeof(Dictionary<string, List<int>>), "Dictionary(String,List(Int32))")]
    [InlineData(typeof(int?), "Nullable(Int32)")]
    [InlineData(typeof(double[,]), "Double-array2d")]
    [InlineData(typeof(int[][]), "Int32-array-array")]
    public void A_channel_spells_out_generic_arguments_and_arrays(Type type, string channel) =>
        Assert.Equal(channel, MessageChannel.Of(type));

    [Fact]
    public void Types_that_nest_their_arguments_differently_get_different_channels()
    {
        Type[] types =
        [
            typeof(Tuple<Box<int>, string>), typeof(Tuple<Box<int, string>>), typeof(Tuple<Box, int, string>),
            typeof(List<int>), typeof(List<string>), typeof(int[]), typeof(List<int[]>), typeof(List<int>[]),
            typeof(int[,]), typeof(int[][]),
        ];

        var channels = types.Select(MessageChannel.Of).ToList();

        Assert.Equal(types.Length, channels.Distinct(StringComparer.Ordinal).Count());
        Assert.All(channels, channel => MessageChannel.BusTopic(channel, "t"));
    }

    private sealed class Box;

    private sealed class Box<T>;

    private sealed class Box<T1, T2>;

    [Fact]
    public void An_open_generic_type_has_no_channel() =>
        Assert.Throws<ArgumentException>(() => MessageChannel.Of(typeof(List<>)));

    [Fact]
    public async Task Open_and_close_are_idempotent()
    {
        await using var listener = new QueuedListener<Pose>(_cluster[0], 4, OverflowPolicy.DropOldest);

        Assert.True(await listener.OpenAsync());
        Assert.False(await listener.OpenAsync());
        Assert.True(listener.IsOpen);
        Assert.True(listener.Close());
        Assert.False(listener.Close());
        Assert.False(listener.IsOpen);
        await listener.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_queued_listener_keeps_receiving_while_a_callback_is_slow_and_stamps_each_receipt()
    {
        await using var listener = new QueuedListener<Pose>(_cluster[1], 100, OverflowPolicy.Fail);
        var gate = new TaskCompletionSource();
        var done = new BlockingCollection<Received<Pose>>();
        listener.Subscribe(item =>
        {
            gate.Task.Wait();
            done.Add(item);
        });
        await listener.OpenAsync();
        var broadcaster = new Broadcaster<Pose>(_cluster[0]);

        for (var i = 0; i < 20; i++)
        {
            broadcaster.Publish(At(i));
        }

        await Probe().AwaitAssertAsync(() => Assert.Equal(20, listener.ReceivedCount), Wait);
        Assert.Empty(done);
        gate.SetResult();
        var items = Enumerable.Range(0, 20).Select(_ => done.TryTake(out var item, Wait) ? item : null).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (double)i), items.Select(i => i!.Payload.X));
        Assert.All(items, i => Assert.True(i!.ReceivedAt >= i.PublishedAt));
        Assert.Equal(0, listener.DroppedCount);
    }

    private async Task<(List<double> Delivered, QueuedListener<Pose> Listener)> OverflowAsync(OverflowPolicy policy)
    {
        var listener = new QueuedListener<Pose>(_cluster[1], 2, policy);
        var entered = new TaskCompletionSource();
        var gate = new TaskCompletionSource();
        var delivered = new BlockingCollection<double>();
        listener.Subscribe(item =>
        {
            entered.TrySetResult();
            gate.Task.Wait();
            delivered.Add(item.Payload.X);
        });
        await listener.OpenAsync();
        var broadcaster = new Broadcaster<Pose>(_cluster[0]);

        // The callback holds the first message; the next four meet a queue of two places.
        broadcaster.Publish(At(1));
        await entered.Task.WaitAsync(Wait);
        for (var i = 2; i <= 5; i++)
        {
            broadcaster.Publish(At(i));
        }

        // Under Fail the overflow at the fourth message closes the listener, so the fifth may never be received.
        await Probe().AwaitAssertAsync(() => Assert.True(listener.ReceivedCount == 5 || (policy == OverflowPolicy.Fail && !listener.IsOpen)), Wait);
        gate.SetResult();
        listener.Close();
        await listener.Completion.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Wait);
        return ([.. delivered], listener);
    }

    [Fact]
    public async Task Drop_oldest_keeps_the_newest_messages_and_counts_the_dropped()
    {
        var (delivered, listener) = await OverflowAsync(OverflowPolicy.DropOldest);

        Assert.Equal([1, 4, 5], delivered);
        Assert.Equal(2, listener.DroppedCount);
    }

    [Fact]
    public async Task Drop_newest_keeps_the_queued_messages_and_counts_the_dropped()
    {
        var (delivered, listener) = await OverflowAsync(OverflowPolicy.DropNewest);

        Assert.Equal([1, 2, 3], delivered);
        Assert.Equal(2, listener.DroppedCount);
    }

    [Fact]
    public async Task Fail_closes_the_listener_and_faults_its_completion_on_overflow()
    {
        var (delivered, listener) = await OverflowAsync(OverflowPolicy.Fail);

        var error = await Assert.ThrowsAsync<QueueOverflowException>(() => listener.Completion);
        Assert.Equal(2, error.Capacity);
        Assert.False(listener.IsOpen);
        Assert.Equal([1, 2, 3], delivered);
        Assert.True(listener.DroppedCount >= 1);
    }
}
