using Cluster.Agents.Commands;
using Cluster.Contracts.Commands;
using Cli = System.CommandLine;

namespace Cluster.Tests.Commands;

/// <summary>A command actor for the specs: exposures, a wait that honours cancel, children, and a status recorder.</summary>
internal sealed class TestCamera : CommandActor
{
    public const string Schema = """
        {"type": "object", "properties": {
            "text": {"type": "string"}, "error": {"type": "string"}, "help": {"type": "array"},
            "exposing": {"type": "boolean"}, "exposure": {"type": "object"}, "temperature": {"type": "number"},
            "statuses": {"type": "array"}, "child": {"type": "string"}
        }, "additionalProperties": false}
        """;

    public TestCamera(CommandActorOptions? options = null)
        : base(options)
    {
        var time = new Cli.Option<double>("--time") { Description = "Exposure time in seconds.", DefaultValueFactory = _ => 1.0 };
        var count = new Cli.Option<int>("--count") { Description = "How many exposures.", DefaultValueFactory = _ => 1 };
        AddCommand(new Cli.Command("expose", "Takes exposures.") { time, count }, (command, parse) =>
        {
            for (var i = 1; i <= parse.GetValue(count); i++)
            {
                command.Info(new Dictionary<string, object?> { ["exposure"] = new Dictionary<string, object?> { ["n"] = i, ["time"] = parse.GetValue(time) } });
            }

            command.Finish(new Dictionary<string, object?> { ["exposing"] = false });
        });

        var steps = new Cli.Argument<int>("steps") { Description = "How far." };
        var units = new Cli.Argument<string>("units") { Description = "UM or MM." };
        AddCommand(new Cli.Command("moverelative", "Moves the stage.") { steps, units }, (command, parse) =>
            command.Finish($"moved {parse.GetValue(steps)} {parse.GetValue(units)}"));

        AddCommand(new Cli.Command("wait", "Waits until cancelled or timed out."), async (command, _) =>
        {
            command.Info("waiting");
            await Task.Delay(Timeout.Infinite, command.Cancellation);
        });

        AddCommand(new Cli.Command("status", "Reports the temperature."), (command, _) =>
            command.Finish(new Dictionary<string, object?> { ["temperature"] = -10.5 }));
        AddCommand(new Cli.Command("quiet", "Finishes with no keywords."), (command, _) => command.Finish());
        AddCommand(new Cli.Command("broken", "Fails with a reason."), (command, _) => command.Fail("shutter stuck"));
        AddCommand(new Cli.Command("throws", "Throws."), (_, _) => throw new InvalidOperationException("no shutter"));
        AddCommand(new Cli.Command("invalid", "Writes a keyword the schema does not know."), (command, _) => command.Finish(new Dictionary<string, object?> { ["colour"] = "red" }));
        AddCommand(new Cli.Command("announce", "Broadcasts a line."), (command, _) =>
        {
            command.Info("to all", broadcast: true);
            command.Finish();
        });
        AddCommand(new Cli.Command("parent", "Runs children."), async (command, _) =>
        {
            await command.RunChildAsync("status");
            await command.RunChildAsync("quiet");
            var broken = await command.RunChildAsync("broken");
            command.Finish(new Dictionary<string, object?> { ["child"] = broken.Status.ToString() });
        });
        AddCommand(new Cli.Command("watch", "Waits for its own status and reports the callbacks it saw."), async (command, _) =>
        {
            var seen = new List<string>();
            command.OnStatusChanged(s => seen.Add(s.ToString()));
            var waiting = command.WaitForStatusAsync(CommandStatus.Failing);
            command.SetStatus("debug");
            command.SetStatus("FAILING", "almost");
            await waiting;
            command.Fail(new Dictionary<string, object?> { ["statuses"] = seen });
        });
        AddCommand(new Cli.Command("not-a-dictionary", "Writes a number."), (command, _) => command.Info(42));

        var group = new Cli.Command("shutter", "The shutter.");
        AddCommand(group, (command, _) => command.Finish());
        AddCommand(new Cli.Command("open", "Opens it."), (command, _) => command.Finish("opened"), group);
    }
}
