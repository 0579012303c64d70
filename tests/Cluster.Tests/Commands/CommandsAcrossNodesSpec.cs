using Akka.Actor;
using Cluster.Agents.Commands;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Contracts.Commands;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Commands;

public sealed class CommandsAcrossNodesSpec(ThreeNodeClusterFixture fixture) : IClassFixture<ThreeNodeClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TestCluster _cluster = fixture.Cluster;
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private async Task<string> StartCameraAsync(int node)
    {
        var name = $"camera-{_id}";
        await NamedActors.StartAsync(_cluster[node], Props.Create(() => new TestCamera(new CommandActorOptions { Schema = TestCamera.Schema })), name);
        await _cluster.CreateProbe(0).AwaitAssertAsync(
            () => Assert.All(_cluster.Nodes, n => Assert.True(NameRegistry.Get(n).TryLookup(name, out _))),
            Wait);
        return name;
    }

    [Fact]
    public async Task A_command_from_another_node_streams_its_replies_and_ends_in_its_status()
    {
        var camera = await StartCameraAsync(0);

        var expose = CommandClient.Get(_cluster[2]).SendCommand(camera, "expose --time 2 --count 3");
        var codes = new List<char>();
        await foreach (var reply in expose.ReadRepliesAsync().WithCancellation(new CancellationTokenSource(Wait).Token))
        {
            codes.Add(reply.Code);
        }

        Assert.Equal(">iii:", string.Concat(codes));
        Assert.Equal(CommandStatus.Done, await expose.Completion.WaitAsync(Wait));
        Assert.Equal(CommandStatus.Done, await CommandClient.Get(_cluster[1]).SendCommand(camera, "ping").Completion.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_command_is_cancelled_and_timed_out_from_another_node()
    {
        var camera = await StartCameraAsync(0);
        var client = CommandClient.Get(_cluster[1]);

        var waiting = client.SendCommand(camera, "wait");
        await _cluster.CreateProbe(1).AwaitAssertAsync(() => Assert.Equal(2, waiting.Replies.Count), Wait);
        await waiting.CancelAsync();
        var timed = client.SendCommand(camera, "wait", TimeSpan.FromMilliseconds(300));

        Assert.Equal(CommandStatus.Cancelled, await waiting.Completion.WaitAsync(Wait));
        Assert.Equal(CommandStatus.TimedOut, await timed.Completion.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_watching_node_keeps_a_live_model_from_broadcasts_and_its_own_commands()
    {
        var camera = await StartCameraAsync(0);
        await using var models = new ModelSet(_cluster[2]);
        var model = await models.WatchAsync(camera, Wait);
        var updates = new List<string>();
        using var _ = model.OnUpdate((_, keywords) => { lock (updates) { updates.AddRange(keywords); } });

        await CommandClient.Get(_cluster[2]).SendCommand(camera, "status").Completion.WaitAsync(Wait);
        await _cluster.CreateProbe(2).AwaitAssertAsync(async () =>
        {
            // Another node's command that broadcasts: the watcher hears it through the actor's topic.
            await CommandClient.Get(_cluster[1]).SendCommand(camera, "announce").Completion.WaitAsync(Wait);
            Assert.Equal("to all", model["text"]?.Value?.GetValue<string>());
        }, Wait);

        Assert.Equal(-10.5, model["temperature"]!.Value!.GetValue<double>());
        Assert.True(model["temperature"]!.InSchema);
        lock (updates)
        {
            Assert.Equal("temperature", updates[0]);
        }
    }

    [Fact]
    public async Task A_command_to_an_actor_whose_node_left_fails_instead_of_hanging()
    {
        var camera = await StartCameraAsync(1);
        var handle = CommandClient.Get(_cluster[0]).SendCommand(camera, "wait");
        await _cluster.CreateProbe(0).AwaitAssertAsync(() => Assert.Equal(2, handle.Replies.Count), Wait);

        var actor = NameRegistry.Get(_cluster[1]).Lookup(camera).Owner;
        _cluster[1].Stop(actor);

        Assert.Equal(CommandStatus.Failed, await handle.Completion.WaitAsync(Wait));
        Assert.Contains(camera, handle.Get("error")!.GetValue<string>(), StringComparison.Ordinal);
    }
}
