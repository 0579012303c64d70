using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Paths;

namespace Cluster.Host.Demo;

/// <summary>
/// A demo agent that exposes the rover as ESHET paths: <c>/rover/battery/voltage</c> (a state that drains once a second),
/// <c>/rover/arm/home</c> (an action), <c>/rover/drive/max_speed</c> (a property) and <c>/rover/alerts</c> (an event,
/// emitted when the arm is homed and when the voltage falls below 11 V).
/// </summary>
public sealed class RoverPaths : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PathClient? _client;
    private IClockTimer? _drain;
    private double _maxSpeed = 1.0;
    private double _volts = 12.6;

    /// <summary>Creates the agent.</summary>
    public RoverPaths()
    {
        Receive<Registered>(OnRegistered);
        Receive<Status.Failure>(failure =>
        {
            _log.Error(failure.Cause, "The rover's paths could not be registered: {0}", failure.Cause.Message);
            Context.Stop(Self);
        });
    }

    /// <summary>Creates the props of the agent.</summary>
    /// <returns>The props.</returns>
    public static Props Props() => Akka.Actor.Props.Create(() => new RoverPaths());

    /// <inheritdoc />
    protected override void PreStart()
    {
        _client = PathClient.Create(Context, "/rover");
        RegisterAsync(_client).PipeTo(Self);
    }

    /// <inheritdoc />
    protected override void PostStop() => _drain?.Cancel();

    private async Task<Registered> RegisterAsync(PathClient client)
    {
        var alerts = await client.RegisterEventAsync<string>("alerts").ConfigureAwait(false);
        var voltage = await client.RegisterStateAsync<double>("battery/voltage").ConfigureAwait(false);
        await client.RegisterActionAsync("arm/home", () =>
        {
            alerts.Emit("arm homed");
            return "homed";
        }).ConfigureAwait(false);
        await client.RegisterPropertyAsync<double>(
            "drive/max_speed",
            () => Volatile.Read(ref _maxSpeed),
            speed => Volatile.Write(ref _maxSpeed, speed is >= 0 and <= 3 ? speed : throw new ArgumentOutOfRangeException(nameof(speed), speed, "max_speed must be between 0 and 3 m/s"))).ConfigureAwait(false);
        return new Registered(voltage, alerts);
    }

    private void OnRegistered(Registered registered)
    {
        registered.Voltage.Changed(_volts);
        _drain = NodeClock.Get(Context.System).Clock.Every(
            TimeSpan.FromSeconds(1),
            () =>
            {
                var before = _volts;
                _volts = Math.Round(Math.Max(10.5, _volts - 0.01), 2);
                registered.Voltage.Changed(_volts);
                if (before >= 11 && _volts < 11)
                {
                    registered.Alerts.Emit("battery low");
                }
            },
            e => _log.Warning("The rover's battery state could not change: {0}", e.Message));
        _log.Info("The rover's paths are registered under {0}.", _client!.BasePath);
    }

    private sealed record Registered(StateHandle<double> Voltage, EventEmitter<string> Alerts);
}
