using Cluster.Agents.Commands;
using Cli = System.CommandLine;

namespace Cluster.Host.Demo;

/// <summary>A demo command actor: a camera that exposes on the node's clock, reports its status and aborts an exposure; its keywords follow a schema and it opens a TCP/JSON port on 127.0.0.1.</summary>
public sealed class CameraActor : CommandActor
{
    /// <summary>The camera's keywords.</summary>
    public const string Schema = """
        {
          "type": "object",
          "properties": {
            "exposure_state": {"type": "string", "enum": ["idle", "exposing", "reading"]},
            "exposure_time": {"type": "number", "minimum": 0},
            "filename": {"type": "string"},
            "temperature": {"type": "number"},
            "shutter": {"type": "string", "enum": ["open", "closed"]}
          },
          "additionalProperties": false
        }
        """;

    private readonly object _gate = new();
    private CancellationTokenSource? _exposing;
    private int _frames;

    /// <summary>Creates the camera.</summary>
    public CameraActor()
        : base(new CommandActorOptions { Version = "1.0.0", Schema = Schema, Store = true, Tcp = new CommandTcpOptions() })
    {
        var time = new Cli.Option<double>("--time") { Description = "The exposure time in seconds.", DefaultValueFactory = _ => 1.0 };
        AddCommand(new Cli.Command("expose", "Takes one exposure.") { time }, (command, parse) => ExposeAsync(command, parse.GetValue(time)));
        AddCommand(new Cli.Command("status", "Reports the camera's state."), (command, _) => command.Finish(new Dictionary<string, object?>
        {
            ["exposure_state"] = IsExposing ? "exposing" : "idle",
            ["temperature"] = -10.0,
            ["shutter"] = IsExposing ? "open" : "closed",
        }));
        AddCommand(new Cli.Command("abort", "Aborts the exposure in progress."), (command, _) =>
        {
            CancellationTokenSource? exposing;
            lock (_gate)
            {
                exposing = _exposing;
            }

            if (exposing is null)
            {
                command.Fail("No exposure in progress.");
                return;
            }

            exposing.Cancel();
            command.Finish("Exposure aborted.");
        });
    }

    private bool IsExposing
    {
        get
        {
            lock (_gate)
            {
                return _exposing is not null;
            }
        }
    }

    private async Task ExposeAsync(Command command, double seconds)
    {
        if (seconds < 0)
        {
            command.Fail($"--time must not be negative; it was {seconds}.");
            return;
        }

        var exposing = CancellationTokenSource.CreateLinkedTokenSource(command.Cancellation);
        lock (_gate)
        {
            if (_exposing is not null)
            {
                command.Fail("An exposure is already in progress.");
                exposing.Dispose();
                return;
            }

            _exposing = exposing;
        }

        try
        {
            command.Info(new Dictionary<string, object?> { ["exposure_state"] = "exposing", ["exposure_time"] = seconds, ["shutter"] = "open" }, broadcast: true);
            await command.Clock.Sleep(TimeSpan.FromSeconds(seconds), exposing.Token);
            command.Info(new Dictionary<string, object?> { ["exposure_state"] = "reading", ["shutter"] = "closed" });
            var frame = Interlocked.Increment(ref _frames);
            command.Finish(new Dictionary<string, object?> { ["exposure_state"] = "idle", ["filename"] = $"frame-{frame:D4}.fits" });
        }
        catch (OperationCanceledException) when (!command.Cancellation.IsCancellationRequested)
        {
            command.Fail(new Dictionary<string, object?> { ["exposure_state"] = "idle", ["error"] = "Exposure aborted." });
        }
        finally
        {
            lock (_gate)
            {
                _exposing = null;
            }

            exposing.Dispose();
        }
    }
}
