using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Demo;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Demo;

/// <summary>
/// A demo agent: publishes a <see cref="Heartbeat"/> on the topic bus once per interval and logs every
/// heartbeat it hears on <c>*/heartbeat</c>, from any node, so a newcomer sees messages crossing the cluster.
/// </summary>
public sealed class HeartbeatAgent : ReceiveActor, IWithTimers
{
    private readonly HeartbeatSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TopicBus _bus = TopicBus.Get(Context.System);
    private readonly string _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
    private long _sequence;

    /// <summary>Creates the agent.</summary>
    /// <param name="settings">How often to beat and on which topic.</param>
    public HeartbeatAgent(HeartbeatSettings settings)
    {
        _settings = settings;
        Receive<Beat>(_ => Publish());
        Receive<TopicMessage>(message => message.Payload is Heartbeat heard, message =>
        {
            var heard = (Heartbeat)message.Payload;
            _log.Info("heartbeat #{0} on {1} from {2}", heard.Sequence, message.Topic, heard.Node);
        });
        Receive<TopicSubscription>(_ => { });
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
        _bus.SubscribeAsync("*/heartbeat", Self).PipeTo(Self);
        Timers.StartPeriodicTimer(Beat.Instance, Beat.Instance, _settings.Interval);
    }

    private void Publish()
    {
        _sequence++;
        _bus.Publish(_settings.Topic, new Heartbeat(_node, Self.Path.Name, _sequence, _bus.UtcNow), Self.Path.Name);
    }

    private sealed class Beat
    {
        public static readonly Beat Instance = new();
    }
}
