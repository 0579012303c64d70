using System.Text.Json.Nodes;
using Akka.Actor;
using Cluster.Agents.Commands;
using Cluster.Agents.Core.Endpoints;
using Cluster.Contracts.Commands;
using Xunit;

namespace Cluster.Tests.Commands;

public sealed class CommandActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public CommandActorSpec()
        : base(LocalNode.Config, "command-actor-spec")
    {
    }

    private CommandClient Client => CommandClient.Get(Sys);

    private static string Codes(CommandHandle handle) => string.Concat(handle.Replies.Select(r => r.Code));

    private static JsonObject Data(CommandReply reply) => (JsonObject)JsonNode.Parse(reply.Data)!;

    private async Task<string> StartCameraAsync(string name = "camera", CommandActorOptions? options = null)
    {
        await NamedActors.StartAsync(Sys, Props.Create(() => new TestCamera(options)), name);
        return name;
    }

    private async Task<CommandHandle> RunAsync(string actor, string commandString, TimeSpan? timeLimit = null)
    {
        var handle = Client.SendCommand(actor, commandString, timeLimit);
        await handle.Completion.WaitAsync(Wait);
        return handle;
    }

    [Fact]
    public async Task Ping_starts_with_an_internal_running_reply_and_finishes_with_pong()
    {
        var camera = await StartCameraAsync();

        var handle = await RunAsync(camera, "ping");

        Assert.Equal(CommandStatus.Done, await handle);
        Assert.Equal(">:", Codes(handle));
        Assert.True(handle.Replies[0].Internal);
        Assert.Equal("{}", handle.Replies[0].Data);
        Assert.Equal("Pong.", Data(handle.Replies[1])["text"]!.GetValue<string>());
        Assert.All(handle.Replies, r => Assert.Equal((handle.CommanderId, handle.CommandId, "camera"), (r.CommanderId!, r.CommandId, r.Sender)));
    }

    [Fact]
    public async Task Typed_options_and_arguments_are_parsed_and_the_replies_stream_in_order()
    {
        var camera = await StartCameraAsync();

        var expose = Client.SendCommand(camera, "expose --time 3.5 --count 2");
        var streamed = new List<CommandReply>();
        await foreach (var reply in expose.ReadRepliesAsync().WithCancellation(new CancellationTokenSource(Wait).Token))
        {
            streamed.Add(reply);
        }

        var move = await RunAsync(camera, "moverelative -1000 UM");

        Assert.Equal(">ii:", string.Concat(streamed.Select(r => r.Code)));
        Assert.Equal(3.5, Data(streamed[2])["exposure"]!["time"]!.GetValue<double>());
        Assert.Equal(2, Data(streamed[2])["exposure"]!["n"]!.GetValue<int>());
        Assert.Equal(CommandStatus.Done, streamed[^1].Status);
        Assert.Equal("moved -1000 UM", move.Get("text")!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_command_is_started_then_warned_with_the_parsers_help_then_failed()
    {
        var camera = await StartCameraAsync();

        var unknown = await RunAsync(camera, "explode now");
        var badValue = await RunAsync(camera, "expose --time fast");

        Assert.Equal(CommandStatus.Failed, unknown.Status);
        Assert.Equal(">wf", Codes(unknown));
        Assert.NotEmpty(Data(unknown.Replies[1])["help"]!.AsArray());
        Assert.Equal("Command 'explode now' does not exist or cannot be parsed.", unknown.Get("error")!.GetValue<string>());
        Assert.Equal(">wf", Codes(badValue));
        Assert.Contains("fast", Data(badValue.Replies[1])["help"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_string_that_cannot_be_split_fails_at_once_without_starting()
    {
        var camera = await StartCameraAsync();

        var handle = await RunAsync(camera, "expose --note \"unclosed");

        Assert.Equal(CommandStatus.Failed, handle.Status);
        Assert.Equal("f", Codes(handle));
        Assert.Equal("Could not parse the following as a command: 'camera expose --note \"unclosed': No closing quotation.", handle.Get("error")!.GetValue<string>());
    }

    [Fact]
    public async Task A_command_to_an_absent_actor_fails_at_once_naming_it()
    {
        var handle = Client.SendCommand("no-such-camera", "ping");

        Assert.True(handle.Completion.IsCompleted);
        Assert.Equal(CommandStatus.Failed, await handle);
        Assert.Contains("'no-such-camera'", handle.Get("error")!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_commands_and_describes_one_with_its_arguments()
    {
        var camera = await StartCameraAsync();

        var all = await RunAsync(camera, "help");
        var one = await RunAsync(camera, "expose --help");
        var sub = await RunAsync(camera, "help shutter");

        var lines = all.Get("help")!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Contains(lines, l => l.StartsWith("moverelative <steps> <units>", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ping", StringComparison.Ordinal));
        var usage = one.Get("help")!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Equal("Usage: expose [options]", usage[0]);
        Assert.Contains(usage, l => l.Contains("--time <double>", StringComparison.Ordinal));
        Assert.Contains(sub.Get("help")!.AsArray(), l => l!.GetValue<string>().Contains("open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Version_and_get_schema_answer_and_a_subcommand_runs_its_own_handler()
    {
        var camera = await StartCameraAsync("camera", new CommandActorOptions { Version = "1.2.3", Schema = TestCamera.Schema });
        var bare = await StartCameraAsync("bare-camera");

        Assert.Equal("1.2.3", (await RunAsync(camera, "version")).Get("version")!.GetValue<string>());
        var schema = JsonNode.Parse((await RunAsync(camera, "get-schema")).Get("schema")!.GetValue<string>())!;
        Assert.Equal("object", schema["type"]!.GetValue<string>());
        var noSchema = await RunAsync(bare, "get-schema");
        Assert.Equal(CommandStatus.Failed, noSchema.Status);
        Assert.Equal("Actor does not know its own schema.", noSchema.Get("error")!.GetValue<string>());
        Assert.Equal("opened", (await RunAsync(camera, "shutter open")).Get("text")!.GetValue<string>());
    }

    [Fact]
    public async Task A_failing_or_throwing_handler_fails_the_command_as_clu_does()
    {
        var camera = await StartCameraAsync();

        var broken = await RunAsync(camera, "broken");
        var throws = await RunAsync(camera, "throws");
        var notADictionary = await RunAsync(camera, "not-a-dictionary");

        Assert.Equal(("f", "shutter stuck"), (broken.Replies[^1].Code.ToString(), broken.Get("error")!.GetValue<string>()));
        Assert.Equal(
            "Command 'throws' failed because of an uncaught error 'InvalidOperationException: no shutter'. See traceback in the log for more information.",
            throws.Get("error")!.GetValue<string>());
        Assert.Equal(CommandStatus.Failed, notADictionary.Status);
        Assert.Contains("must be a string or a dictionary", notADictionary.Get("error")!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_time_limit_times_the_command_out_and_cancels_its_work()
    {
        var camera = await StartCameraAsync();

        var handle = await RunAsync(camera, "wait", TimeSpan.FromMilliseconds(200));

        Assert.Equal(CommandStatus.TimedOut, handle.Status);
        Assert.Equal(">if", Codes(handle));
        Assert.Equal(CommandStatus.TimedOut, handle.Replies[^1].Status);
        Assert.Equal(CommandStatus.Done, await (await RunAsync(camera, "ping")).Completion);
    }

    [Fact]
    public async Task Cancel_moves_a_running_command_through_cancelling_to_cancelled_while_others_run()
    {
        var camera = await StartCameraAsync();
        var handle = Client.SendCommand(camera, "wait");
        await AwaitAssertAsync(() => Assert.Equal(">i", Codes(handle)), Wait);

        Assert.Equal(CommandStatus.Done, await (await RunAsync(camera, "ping")).Completion);
        await handle.CancelAsync();

        Assert.Equal(CommandStatus.Cancelled, await handle.Completion.WaitAsync(Wait));
        Assert.Equal(">iwf", Codes(handle));
        Assert.Equal(CommandStatus.Cancelling, handle.Replies[2].Status);
    }

    [Fact]
    public async Task A_childs_replies_reach_the_parents_commander_with_clus_code_translation()
    {
        var camera = await StartCameraAsync();

        var handle = await RunAsync(camera, "parent");

        // status: its ':' with keywords becomes 'i'; quiet: its empty ':' is dropped; broken: its 'f' becomes 'e'. No child '>'.
        Assert.Equal(">ie:", Codes(handle));
        Assert.Equal(-10.5, Data(handle.Replies[1])["temperature"]!.GetValue<double>());
        Assert.Equal("shutter stuck", Data(handle.Replies[2])["error"]!.GetValue<string>());
        Assert.Equal("Failed", handle.Get("child")!.GetValue<string>());
        Assert.All(handle.Replies, r => Assert.Equal(handle.CommandId, r.CommandId));
    }

    [Fact]
    public async Task Status_callbacks_see_each_change_in_order_and_wait_for_status_wakes_on_it()
    {
        var camera = await StartCameraAsync();

        var handle = await RunAsync(camera, "watch");

        Assert.Equal(">dwf", Codes(handle));
        Assert.Equal(["Debug", "Failing"], handle.Get("statuses")!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task A_reply_that_breaks_the_schema_is_replaced_by_an_error_reply()
    {
        var camera = await StartCameraAsync("camera", new CommandActorOptions { Schema = TestCamera.Schema });

        var handle = await RunAsync(camera, "invalid");

        Assert.Equal(">e", Codes(handle)[..2]);
        Assert.StartsWith("Failed validating the reply: ", Data(handle.Replies[1])["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schema_that_is_not_of_type_object_or_not_valid_fails_start_up()
    {
        var notObject = await Assert.ThrowsAnyAsync<Exception>(() => StartCameraAsync("array-camera", new CommandActorOptions { Schema = """{"type": "array"}""" }));
        var notJson = await Assert.ThrowsAnyAsync<Exception>(() => StartCameraAsync("broken-camera", new CommandActorOptions { Schema = "{not json" }));

        Assert.Contains("Schema must be of type object.", notObject.ToString(), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", notJson.ToString(), StringComparison.Ordinal);
    }
}
