using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Cluster.Contracts.Demo;

namespace Cluster.Agents.Demo;

/// <summary>
/// A demo agent: publishes a <see cref="Heartbeat"/> on DistributedPubSub once per interval and logs every
/// heartbeat it hears, from any node, so a newcomer sees messages crossing the cluster.
/// </summary>
public sealed class HeartbeatAgent : ReceiveActor, IWithTimers
{
    private readonly HeartbeatSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _mediator = DistributedPubSub.Get(Context.System).Mediator;
    private readonly string _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
    private long _sequence;

    /// <summary>Creates the agent.</summary>
    /// <param name="settings">How often to beat and on which topic.</param>
    public HeartbeatAgent(HeartbeatSettings settings)
    {
        _settings = settings;
        Receive<Beat>(_ => Publish());
        Receive<Heartbeat>(heard => _log.Info("heartbeat #{0} from {1} ({2})", heard.Sequence, heard.Node, heard.Agent));
        Receive<SubscribeAck>(_ => { });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the props of the agent.</summary>
    /// <param name="settings">How often to beat and on which topic.</param>
    /// <returns>The props.</returns>
    public static Props Props(HeartbeatSettings settings) => Akka.Actor.Props.Create(() => new HeartbeatAgent(settings));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(_settings.Topic, Self));
        Timers.StartPeriodicTimer(Beat.Instance, Beat.Instance, _settings.Interval);
    }

    private void Publish()
    {
        _sequence++;
        _mediator.Tell(new Publish(_settings.Topic, new Heartbeat(_node, Self.Path.Name, _sequence, TimeProvider.System.GetUtcNow())));
    }

    private sealed class Beat
    {
        public static readonly Beat Instance = new();
    }
}
