using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Core.ClusterTime;

/// <summary>
/// The cluster's clock source, an agent on one host node: it owns the cluster's simulated time and publishes
/// every advance as a <see cref="ClockTick"/> on <see cref="ClusterClock.Topic"/>, which every <c>follow</c>
/// node sets its clock to.
/// </summary>
/// <remarks>
/// <para>
/// Modes: <b>step</b> advances only on a <see cref="StepClock"/> command, by its duration, in one tick;
/// <b>run</b> advances by <see cref="ClockSourceSettings.Increment"/> per tick, as fast as the followers allow
/// (rate 0) or at a rate of simulated seconds per wall second; <b>pause</b> stands still. Every command is
/// answered with a <see cref="ClockStatus"/>; a step is answered once every follower has applied it.
/// </para>
/// <para>
/// Its own node must run with <c>cluster-node.clock.mode = follow</c>: that node's clock follows the ticks
/// through the topic bus like every other node's, so the source never sets a clock itself.
/// </para>
/// <para>
/// Flow control: each follower acknowledges every tick once its timers due by then have run; the source
/// publishes tick n only when every follower has acknowledged tick n - <see cref="ClockSourceSettings.MaxTicksAhead"/>
/// (1 by default: lockstep). A follower that lags for <see cref="ClockSourceSettings.ResendInterval"/> gets the
/// current tick sent directly (this also covers ticks published before its subscription reached the source's
/// node); one that stops, or whose node leaves the cluster, is dropped at once; one that acknowledges nothing
/// for <see cref="ClockSourceSettings.FollowerTimeout"/> is dropped with a warning, and counted again if it
/// acknowledges a tick later. A run as fast as possible waits while no node follows.
/// </para>
/// </remarks>
public sealed class ClockSource : ReceiveActor, IWithTimers
{
    private const int MaxTicksPerMessage = 100;
    private static readonly TimeSpan PaceInterval = TimeSpan.FromMilliseconds(10);

    private readonly ClockSourceSettings _settings;
    private readonly long _increment;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly TopicBus _bus = TopicBus.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeProvider _wall = TimeProvider.System;
    private readonly string? _hostRole;
    private readonly Dictionary<IActorRef, Follower> _followers = [];
    // Followers dropped for silence, still watched: one that acknowledges again is counted again.
    private readonly Dictionary<IActorRef, Follower> _dropped = [];
    private readonly Queue<(long Delta, IActorRef ReplyTo)> _steps = new();
    private readonly List<(long Sequence, IActorRef ReplyTo)> _awaitingApply = [];
    private string _id = "";
    private DateTimeOffset _utcStart;
    private long _ticks;
    private long _sequence;
    private ClockSourceMode _mode;
    private double _rate;
    private long _runStartedAt;
    private long _runStartTicks;
    private bool _advanceQueued;

    /// <summary>Creates the clock source.</summary>
    /// <param name="settings">Its initial mode, increment and flow control.</param>
    /// <exception cref="ClusterConfigurationException">A setting is out of range, or the node's clock does not follow.</exception>
    public ClockSource(ClockSourceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate($"{ClusterHocon.AgentsPath}.{Self.Path.Name}.settings", Context.System.Settings.Config);

        _settings = settings;
        _increment = settings.Increment.Ticks;
        _mode = settings.Mode;
        var role = Context.System.Settings.Config.GetString("akka.cluster.pub-sub.role", "");
        _hostRole = string.IsNullOrEmpty(role) ? null : role;

        Receive<ClusterEvent.MemberUp>(up => Announce(up.Member));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<FollowClock>(OnFollow);
        Receive<ClockTickApplied>(OnApplied);
        Receive<Terminated>(OnTerminated);
        Receive<GetClockStatus>(_ => Sender.Tell(Status()));
        Receive<StepClock>(OnStep);
        Receive<RunClock>(OnRun);
        Receive<PauseClock>(_ =>
        {
            StopRun(ClockSourceMode.Pause);
            Sender.Tell(Status());
        });
        Receive<Pace>(_ => Advance());
        Receive<AdvanceNow>(_ =>
        {
            _advanceQueued = false;
            Advance();
        });
        Receive<CheckFollowers>(_ => Check());
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private double Time => _ticks / (double)TimeSpan.TicksPerSecond;

    private string ModeName => _mode.ToString().ToLowerInvariant();

    private double Rate => _mode == ClockSourceMode.Run ? _rate : 0;

    /// <summary>Creates the props of a clock source.</summary>
    /// <param name="settings">Its initial mode, increment and flow control.</param>
    /// <returns>The props.</returns>
    public static Props Props(ClockSourceSettings settings) => Akka.Actor.Props.Create(() => new ClockSource(settings));

    /// <inheritdoc />
    protected override void PreStart()
    {
        var clock = NodeClock.Get(Context.System).External;
        _ticks = (long)Math.Round(clock.Time * TimeSpan.TicksPerSecond);
        _utcStart = clock.UtcStart;
        _id = Self.Path.ToStringWithAddress(_cluster.SelfAddress);
        _log.Info(
            "Clock source {0} starts in {1} mode at {2} s (increment {3} ms, at most {4} tick(s) ahead of the followers).",
            _id, ModeName, Format(Time), Format(_settings.Increment.TotalMilliseconds), _settings.MaxTicksAhead);

        // The own node first: it may not be Up yet, and its verbs must find the source at once.
        ClusterClock.Get(Context.System).Actor.Tell(new ClockSourceAnnounced(Self, _id), Self);
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp));
        Timers.StartPeriodicTimer(CheckFollowers.Instance, CheckFollowers.Instance, _settings.ResendInterval);
        if (_mode == ClockSourceMode.Run)
        {
            StartRun(_settings.Rate);
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        foreach (var replyTo in _steps.Select(s => s.ReplyTo).Concat(_awaitingApply.Select(a => a.ReplyTo)))
        {
            replyTo.Tell(new ClockCommandFailed($"the clock source {_id} stopped before the step was applied."));
        }
    }

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Format(TimeSpan value) => Format(value.TotalSeconds) + " s";

    private void Announce(Member member)
    {
        if (_hostRole is null || member.HasRole(_hostRole))
        {
            Context.ActorSelection(new RootActorPath(member.Address) / "system" / ClusterClock.ActorName).Tell(new ClockSourceAnnounced(Self, _id), Self);
        }
    }

    private void OnFollow(FollowClock request)
    {
        var follower = Sender;
        _dropped.Remove(follower);
        if (!_followers.ContainsKey(follower))
        {
            Context.Watch(follower);
            // Nothing advances until the newcomer has applied the current tick, so its due timers run first.
            _followers[follower] = new Follower(request.Node)
            {
                Acked = _sequence - 1,
                Time = request.Time,
                WaitingSince = _wall.GetTimestamp(),
            };
            _log.Info("{0} follows the clock (its time was {1} s, the source's is {2} s).", request.Node, Format(request.Time), Format(Time));
        }

        follower.Tell(CurrentTick(), Self);
    }

    private void OnApplied(ClockTickApplied applied)
    {
        if (_dropped.Remove(Sender, out var dropped))
        {
            dropped.WaitingSince = _wall.GetTimestamp();
            _followers[Sender] = dropped;
            _log.Info("{0} acknowledges ticks again (tick {1}); it follows the clock again.", dropped.Node, applied.Sequence);
        }

        if (!_followers.TryGetValue(Sender, out var follower) || applied.Sequence <= follower.Acked)
        {
            return;
        }

        follower.Acked = applied.Sequence;
        follower.Time = applied.Time;
        follower.WaitingSince = follower.Acked >= _sequence ? null : _wall.GetTimestamp();
        Progress();
    }

    private void OnTerminated(Terminated terminated)
    {
        _dropped.Remove(terminated.ActorRef);
        if (_followers.Remove(terminated.ActorRef, out var follower))
        {
            _log.Info("{0} no longer follows the clock: it stopped or its node left the cluster.", follower.Node);
            Progress();
        }
    }

    private void OnStep(StepClock step)
    {
        if (step.Duration <= TimeSpan.Zero)
        {
            Sender.Tell(new ClockCommandFailed($"a step must be positive, was {Format(step.Duration.TotalSeconds)} s."));
            return;
        }

        StopRun(ClockSourceMode.Step);
        _steps.Enqueue((step.Duration.Ticks, Sender));
        Advance();
    }

    private void OnRun(RunClock run)
    {
        if (!double.IsFinite(run.Rate) || run.Rate < 0)
        {
            Sender.Tell(new ClockCommandFailed($"the rate must be a positive number of simulated seconds per wall second, or 0 for as fast as possible; was {Format(run.Rate)}."));
            return;
        }

        StartRun(run.Rate);
        Sender.Tell(Status());
    }

    private void StartRun(double rate)
    {
        _mode = ClockSourceMode.Run;
        _rate = rate;
        _runStartedAt = _wall.GetTimestamp();
        _runStartTicks = _ticks;
        if (rate > 0)
        {
            Timers.StartPeriodicTimer(Pace.Instance, Pace.Instance, PaceInterval);
        }
        else
        {
            Timers.Cancel(Pace.Instance);
        }

        Advance();
    }

    private void StopRun(ClockSourceMode mode)
    {
        _mode = mode;
        Timers.Cancel(Pace.Instance);
    }

    private void Progress()
    {
        CompleteSteps();
        Advance();
    }

    private void Advance()
    {
        var published = 0;
        while (CanPublishNext())
        {
            if (_steps.TryDequeue(out var step))
            {
                Publish(_ticks + step.Delta);
                _awaitingApply.Add((_sequence, step.ReplyTo));
                CompleteSteps();
            }
            else if (_mode == ClockSourceMode.Run && (_rate > 0 || _followers.Count > 0))
            {
                var next = _ticks + _increment;
                if (_rate > 0 && next > PacedTarget())
                {
                    return;
                }

                Publish(next);
            }
            else
            {
                return;
            }

            // Let commands and acknowledgements in between long bursts.
            if (++published >= MaxTicksPerMessage)
            {
                if (!_advanceQueued)
                {
                    _advanceQueued = true;
                    Self.Tell(AdvanceNow.Instance);
                }

                return;
            }
        }
    }

    private bool CanPublishNext()
    {
        var oldestAllowed = _sequence + 1 - _settings.MaxTicksAhead;
        foreach (var follower in _followers.Values)
        {
            if (follower.Acked < oldestAllowed)
            {
                return false;
            }
        }

        return true;
    }

    private long PacedTarget() =>
        _runStartTicks + (long)(_rate * _wall.GetElapsedTime(_runStartedAt).Ticks);

    private void Publish(long ticks)
    {
        _ticks = ticks;
        _sequence++;
        _bus.Publish(ClusterClock.Topic, CurrentTick(), _id);
        var now = _wall.GetTimestamp();
        foreach (var follower in _followers.Values)
        {
            follower.WaitingSince ??= now;
        }
    }

    private void CompleteSteps()
    {
        if (_awaitingApply.Count == 0)
        {
            return;
        }

        var applied = _followers.Count == 0 ? _sequence : _followers.Values.Min(f => f.Acked);
        var done = _awaitingApply.Where(a => a.Sequence <= applied).ToList();
        if (done.Count == 0)
        {
            return;
        }

        _awaitingApply.RemoveAll(a => a.Sequence <= applied);
        var status = Status();
        foreach (var (_, replyTo) in done)
        {
            replyTo.Tell(status);
        }
    }

    private void Check()
    {
        var now = _wall.GetTimestamp();
        var dropped = false;
        foreach (var (actor, follower) in _followers.ToList())
        {
            if (follower.WaitingSince is not { } since)
            {
                continue;
            }

            var waited = _wall.GetElapsedTime(since, now);
            if (waited >= _settings.FollowerTimeout)
            {
                _followers.Remove(actor);
                _dropped[actor] = follower;
                dropped = true;
                _log.Warning(
                    "Stopped waiting for {0}: it acknowledged no tick for {1} s (its last was tick {2} at {3} s; the source is at tick {4}, {5} s).",
                    follower.Node, Format(waited.TotalSeconds), follower.Acked, Format(follower.Time), _sequence, Format(Time));
            }
            else if (waited >= _settings.ResendInterval)
            {
                actor.Tell(CurrentTick(), Self);
            }
        }

        if (dropped)
        {
            Progress();
        }
    }

    private ClockTick CurrentTick() => new(Time, _utcStart + TimeSpan.FromTicks(_ticks), _sequence, ModeName, Rate);

    private ClockStatus Status() => new(
        ModeName,
        Time,
        _utcStart + TimeSpan.FromTicks(_ticks),
        Rate,
        _sequence,
        _id,
        [.. _followers.Values
            .OrderBy(f => f.Node, StringComparer.Ordinal)
            .Select(f => new ClockFollowerInfo(f.Node, f.Time, Math.Max(f.Acked, 0)))]);

    private sealed class Follower(string node)
    {
        public string Node { get; } = node;

        public long Acked { get; set; }

        public double Time { get; set; }

        // When the follower last fell behind or made progress while behind; null while it is up to date.
        public long? WaitingSince { get; set; }
    }

    private sealed class Pace
    {
        public static readonly Pace Instance = new();
    }

    private sealed class AdvanceNow
    {
        public static readonly AdvanceNow Instance = new();
    }

    private sealed class CheckFollowers
    {
        public static readonly CheckFollowers Instance = new();
    }
}
