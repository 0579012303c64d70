using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Core.ClusterTime;

/// <summary>
/// The actor of <see cref="ClusterClock"/> at <c>/system/cluster-clock</c>: it remembers the clock source that
/// announced itself, routes clock commands to it and, on a <c>follow</c> node, sets the node's clock from its ticks.
/// </summary>
internal sealed class ClusterClockActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(1);

    private readonly NodeClock _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _selfAddress = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
    private IActorRef? _source;
    private string? _sourceId;
    private bool _subscribed;
    private bool _registered;
    private long _lastSequence = -1;
    private bool _originSet;

    public ClusterClockActor(NodeClock node)
    {
        _node = node;
        Receive<ClockSourceAnnounced>(OnAnnounced);
        Receive<TopicSubscription>(_ =>
        {
            _subscribed = true;
            RegisterWhenReady();
        });
        Receive<Status.Failure>(failure =>
        {
            _log.Error(failure.Cause, "Could not subscribe to '{0}'; the node's clock cannot follow the cluster's clock yet. Trying again.", ClusterClock.Topic);
            Timers.StartSingleTimer(Subscribe.Instance, Subscribe.Instance, ResubscribeDelay);
        });
        Receive<Subscribe>(_ => SubscribeToTicks());
        Receive<TopicMessage>(message => message.Payload is ClockTick, message =>
        {
            if (_sourceId is not null && string.Equals(message.Sender, _sourceId, StringComparison.Ordinal))
            {
                Apply((ClockTick)message.Payload);
            }
        });
        Receive<ClockTick>(tick =>
        {
            if (Sender.Equals(_source))
            {
                Apply(tick);
            }
        });
        Receive<IClockCommand>(Route);
        Receive<Terminated>(OnTerminated);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private bool Following => _node.Mode == NodeClockMode.Follow;

    public static Props Props(NodeClock node) => Akka.Actor.Props.Create(() => new ClusterClockActor(node));

    protected override void PreStart()
    {
        if (Following)
        {
            SubscribeToTicks();
        }
    }

    private void SubscribeToTicks() => TopicBus.Get(Context.System).SubscribeAsync(ClusterClock.Topic, Self).PipeTo(Self);

    private void OnAnnounced(ClockSourceAnnounced announced)
    {
        if (_source is not null)
        {
            if (!_source.Equals(announced.Source))
            {
                _log.Warning(
                    "A second clock source, {0}, announced itself; this node keeps {1}. Run one clock source per cluster.",
                    announced.SourceId, _sourceId);
            }

            return;
        }

        _source = announced.Source;
        _sourceId = announced.SourceId;
        _registered = false;
        _lastSequence = -1;
        _originSet = false;
        Context.Watch(_source);
        RegisterWhenReady();
    }

    // Only once the subscription to the ticks is in place: the source's first answer covers everything before it.
    private void RegisterWhenReady()
    {
        if (Following && _subscribed && _source is not null && !_registered)
        {
            _source.Tell(new FollowClock(_selfAddress, _node.Clock.Time), Self);
            _registered = true;
        }
    }

    private void Apply(ClockTick tick)
    {
        if (!Following || _source is null)
        {
            return;
        }

        if (tick.Sequence > _lastSequence)
        {
            _lastSequence = tick.Sequence;
            var clock = _node.External;
            if (!_originSet)
            {
                // Once per source, from its first tick: UtcNow then reads the same on every node.
                clock.SetUtcStart(tick.UtcNow - TimeSpan.FromSeconds(tick.Time));
                _originSet = true;
            }

            if (tick.Time > clock.Time)
            {
                try
                {
                    clock.SetTime(tick.Time);
                }
                catch (AggregateException e)
                {
                    foreach (var error in e.InnerExceptions)
                    {
                        _log.Error(error, "A timer action failed while the clock advanced to {0} s.", tick.Time);
                    }
                }
                catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
                {
                    // Code on this node advanced the clock itself; the tick is acknowledged all the same.
                    _log.Warning("Could not set the clock to tick {0} ({1} s): {2}", tick.Sequence, tick.Time, e.Message);
                }
            }
        }

        _source.Tell(new ClockTickApplied(_lastSequence, _node.Clock.Time), Self);
    }

    private void Route(IClockCommand command)
    {
        if (_source is null)
        {
            Sender.Tell(new ClockCommandFailed($"no clock source is running in cluster '{Context.System.Name}'."));
            return;
        }

        _source.Forward(command);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!terminated.ActorRef.Equals(_source))
        {
            return;
        }

        _log.Info("The clock source {0} stopped; the node's clock stays at {1} s until another source runs.", _sourceId, _node.Clock.Time);
        _source = null;
        _sourceId = null;
        _registered = false;
    }

    private sealed class Subscribe
    {
        public static readonly Subscribe Instance = new();
    }
}
