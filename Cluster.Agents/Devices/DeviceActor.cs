using System.Collections.Concurrent;
using System.Globalization;
using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Devices;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Devices;

/// <summary>
/// A device: an actor with a cluster-unique name (its actor name) that reacts to topics, answers requests,
/// publishes events on <c>&lt;name&gt;/&lt;event&gt;</c> and runs periodic and background work on the node's clock.
/// </summary>
/// <remarks>
/// <para>Declare what the device does in the constructor with <see cref="On(string, Action{string, object})"/>,
/// <see cref="OnRequest(string, Func{object?[], object?})"/>, <see cref="OnSend(string, Action{string, object?})"/>,
/// <see cref="Every(string, Action)"/> and <see cref="AddTask(Func{CancellationToken, Task})"/>. The device starts once its
/// name is registered cluster-wide and its subscriptions are confirmed; only then do its periodic work and
/// tasks start. A name already held elsewhere stops the device with a <see cref="DuplicateNameException"/>
/// (see <see cref="NamedActors.StartAsync"/> to receive it).</para>
/// <para>Its requests and sends are endpoints of the core (<see cref="EndpointActor"/>): names match ignoring case,
/// <c>-</c> and <c>_</c>; arguments convert by <see cref="ValueConversion"/>'s rule; an unknown endpoint fails with an
/// <see cref="UnknownEndpointException"/> that lists the device's endpoints. A send is a one-way call of an endpoint
/// that takes the sender's name and the data.</para>
/// <para>Handlers, requests and periodic work run one at a time on the device's actor, so they share
/// <see cref="Storage"/> without locks; an async handler holds the device until it completes. Tasks run
/// beside them on the thread pool: share data with them through <see cref="Storage"/>, which is thread-safe.</para>
/// <para>A handler or periodic work that throws is logged and the device keeps serving; a request whose
/// handler throws fails at the caller with a <see cref="RemoteException"/>.</para>
/// </remarks>
public abstract class DeviceActor : EndpointActor
{
    /// <summary>The registry kind of devices.</summary>
    public const string RegistryKind = "device";

    private readonly Dictionary<string, List<Func<TopicMessage, Task?>>> _topicHandlers = new(StringComparer.Ordinal);
    private readonly List<(TimeSpan Period, Func<Task?> Work)> _periodic = [];
    private readonly List<Func<CancellationToken, Task>> _tasks = [];
    private readonly List<IClockTimer> _timers = [];
    private readonly DeviceSettings _settings;
    private long _heartbeats;

    /// <summary>Creates the device; its name is its actor name.</summary>
    protected DeviceActor()
        : base(RegistryKind)
    {
        Clock = NodeClock.Get(Context.System).Clock;
        Bus = TopicBus.Get(Context.System);
        _settings = DeviceSettings.Get(Context.System);
    }

    /// <summary>Gets state shared by the device's handlers, periodic work and tasks; thread-safe.</summary>
    public ConcurrentDictionary<string, object?> Storage { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the node's clock, which periodic work and <see cref="Sleep(string, CancellationToken)"/> follow.</summary>
    protected Clock Clock { get; }

    private TopicBus Bus { get; }

    private CallClient Calls => CallClient.Get(Context.System);

    /// <summary>Calls <paramref name="handler"/> with the topic and payload of every message on a topic matching <paramref name="pattern"/>.</summary>
    /// <param name="pattern">An exact topic or a glob such as <c>*/heartbeat</c>.</param>
    /// <param name="handler">The handler.</param>
    protected void On(string pattern, Action<string, object> handler) =>
        AddTopicHandler(pattern, message =>
        {
            handler(message.Topic, message.Payload);
            return null;
        });

    /// <summary>Calls the async <paramref name="handler"/> for every message on a topic matching <paramref name="pattern"/>.</summary>
    /// <param name="pattern">An exact topic or a glob.</param>
    /// <param name="handler">The handler; the device waits for it before the next message.</param>
    protected void On(string pattern, Func<string, object, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddTopicHandler(pattern, message => handler(message.Topic, message.Payload));
    }

    /// <summary>Calls <paramref name="handler"/> for every <typeparamref name="T"/> on a topic matching <paramref name="pattern"/>; other payloads are logged and skipped.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="pattern">An exact topic or a glob.</param>
    /// <param name="handler">The handler.</param>
    protected void On<T>(string pattern, Action<string, T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var owner = $"Device '{Name}' (its handler for '{pattern}')";
        AddTopicHandler(pattern, message =>
        {
            if (TopicPayload.TryRead<T>(message, Log, owner, out var typed))
            {
                handler(message.Topic, typed);
            }

            return null;
        });
    }

    /// <summary>Answers requests to <paramref name="endpoint"/> with what <paramref name="handler"/> returns for the arguments.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer from the arguments.</param>
    protected void OnRequest(string endpoint, Func<object?[], object?> handler) => Declare(Endpoint.Variadic(endpoint, handler));

    /// <summary>Answers requests to <paramref name="endpoint"/> with what the async <paramref name="handler"/> completes with.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer from the arguments; the device waits for it.</param>
    protected void OnRequest(string endpoint, Func<object?[], Task<object?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Declare(Endpoint.Variadic(endpoint, args => handler(args)));
    }

    /// <summary>Answers requests without arguments.</summary>
    /// <typeparam name="TResult">The answer's type.</typeparam>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer.</param>
    protected void OnRequest<TResult>(string endpoint, Func<TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Declare(new Endpoint(endpoint, [], (_, _) => handler()));
    }

    /// <summary>Answers requests with one argument, converted to <typeparamref name="T1"/>.</summary>
    /// <typeparam name="T1">The argument's type.</typeparam>
    /// <typeparam name="TResult">The answer's type.</typeparam>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer.</param>
    protected void OnRequest<T1, TResult>(string endpoint, Func<T1, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Declare(new Endpoint(endpoint, Endpoint.ParametersOf(handler), (_, args) => handler((T1)args[0]!)));
    }

    /// <summary>Answers requests with two arguments, converted to <typeparamref name="T1"/> and <typeparamref name="T2"/>.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="TResult">The answer's type.</typeparam>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer.</param>
    protected void OnRequest<T1, T2, TResult>(string endpoint, Func<T1, T2, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Declare(new Endpoint(endpoint, Endpoint.ParametersOf(handler), (_, args) => handler((T1)args[0]!, (T2)args[1]!)));
    }

    /// <summary>Handles what other devices <see cref="Send"/> to <paramref name="endpoint"/>: the sender's name and the data.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">The handler.</param>
    protected void OnSend(string endpoint, Action<string, object?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Declare(new Endpoint(endpoint, SendParameters, (_, args) =>
        {
            handler((string)args[0]!, args[1]);
            return null;
        }));
    }

    /// <summary>Handles what other devices send to <paramref name="endpoint"/>, asynchronously.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">The handler; the device waits for it.</param>
    protected void OnSend(string endpoint, Func<string, object?, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Declare(new Endpoint(endpoint, SendParameters, (_, args) => handler((string)args[0]!, args[1])));
    }

    /// <summary>Runs <paramref name="work"/> every <paramref name="duration"/> on the node's clock, from the device's start to its stop.</summary>
    /// <param name="duration">The period, e.g. <c>"100 ms"</c> or <c>"1 minute"</c> (see <see cref="Duration"/>).</param>
    /// <param name="work">The work; an exception is logged and the schedule goes on.</param>
    /// <exception cref="FormatException">The duration is malformed.</exception>
    protected void Every(string duration, Action work) => Every(Duration.Parse(duration), work);

    /// <summary>Runs <paramref name="work"/> every <paramref name="seconds"/> seconds on the node's clock.</summary>
    /// <param name="seconds">The period in seconds.</param>
    /// <param name="work">The work.</param>
    protected void Every(double seconds, Action work) => Every(Duration.FromSeconds(seconds), work);

    /// <summary>Runs <paramref name="work"/> every <paramref name="period"/> on the node's clock.</summary>
    /// <param name="period">The period; positive.</param>
    /// <param name="work">The work.</param>
    protected void Every(TimeSpan period, Action work) =>
        AddPeriodic(period, () =>
        {
            work();
            return null;
        });

    /// <summary>Runs the async <paramref name="work"/> every <paramref name="duration"/>; the device waits for each run.</summary>
    /// <param name="duration">The period, e.g. <c>"1 s"</c>.</param>
    /// <param name="work">The work.</param>
    protected void Every(string duration, Func<Task> work) => AddPeriodic(Duration.Parse(duration), work);

    /// <summary>
    /// Starts <paramref name="work"/> when the device starts (at once if it has), cancelling its token when the
    /// device stops: robocluster's <c>task</c>, named so that <c>Task.Delay</c> and friends stay usable in devices.
    /// </summary>
    /// <param name="work">The background work; it runs on the thread pool beside the handlers.</param>
    protected void AddTask(Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        _tasks.Add(work);
        if (IsStarted)
        {
            StartBackground(work, "a task");
        }
    }

    /// <summary>Waits <paramref name="duration"/> on the node's clock.</summary>
    /// <param name="duration">How long, e.g. <c>"100 ms"</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the time has come.</returns>
    protected Task Sleep(string duration, CancellationToken cancellationToken = default) => Clock.Sleep(Duration.Parse(duration), cancellationToken);

    /// <summary>Publishes <paramref name="data"/> on <c>&lt;device&gt;/&lt;event&gt;</c>.</summary>
    /// <param name="eventName">The event, e.g. <c>odometry</c>.</param>
    /// <param name="data">The data.</param>
    protected void Publish(string eventName, object data) => Bus.Publish($"{Name}/{eventName}", data, Name);

    /// <summary>Requests <paramref name="endpoint"/> of <paramref name="device"/> with the default deadline.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="device">The device's name.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="UnknownNameException">No device has that name (at once).</exception>
    /// <exception cref="RemoteException">The endpoint is unknown (the message lists the device's endpoints), or its handler threw.</exception>
    /// <exception cref="TimeoutException">No answer within the deadline.</exception>
    protected Task<T> Request<T>(string device, string endpoint, params object?[] args) =>
        Request<T>(device, endpoint, _settings.RequestTimeout, args);

    /// <summary>Requests <paramref name="endpoint"/> of <paramref name="device"/> with a deadline (wall time).</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="device">The device's name.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="deadline">How long to wait for the answer.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The answer.</returns>
    protected Task<T> Request<T>(string device, string endpoint, TimeSpan deadline, params object?[] args) =>
        Calls.RequestAsync<T>(device, new EndpointCall(endpoint, args), deadline);

    /// <summary>Sends <paramref name="data"/> to <paramref name="endpoint"/> of <paramref name="device"/>, without waiting for anything.</summary>
    /// <param name="device">The device's name.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="data">The data.</param>
    /// <exception cref="UnknownNameException">No device has that name (at once).</exception>
    protected void Send(string device, string endpoint, object? data) => Calls.Send(device, new EndpointCall(endpoint, [Name, data]));

    /// <inheritdoc />
    protected override void OnMessage(object message)
    {
        switch (message)
        {
            case TopicMessage topicMessage:
                OnTopicMessage(topicMessage);
                break;
            case PeriodicTick tick:
                Run([_periodic[tick.Index].Work], $"periodic work #{tick.Index + 1}");
                break;
            case HeartbeatTick:
                Publish("heartbeat", new DeviceHeartbeat(Name, CallClient.Get(Context.System).Node.ToString(), ++_heartbeats));
                break;
            default:
                base.OnMessage(message);
                break;
        }
    }

    /// <inheritdoc />
    protected override Task? OnStartingAsync() =>
        _topicHandlers.Count == 0 ? null : Task.WhenAll(_topicHandlers.Keys.Select(pattern => Bus.SubscribeAsync(pattern, Self)));

    /// <inheritdoc />
    protected override void OnStarted()
    {
        var self = Self;
        for (var i = 0; i < _periodic.Count; i++)
        {
            var tick = new PeriodicTick(i);
            _timers.Add(Clock.Every(_periodic[i].Period, () => self.Tell(tick), e => Log.Error(e, "Device '{0}': its clock failed a tick.", Name)));
        }

        if (_settings.HeartbeatInterval > TimeSpan.Zero)
        {
            _timers.Add(Clock.Every(_settings.HeartbeatInterval, () => self.Tell(HeartbeatTick.Instance), e => Log.Error(e, "Device '{0}': heartbeat failed.", Name)));
        }

        _tasks.ForEach(work => StartBackground(work, "a task"));
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var timer in _timers)
        {
            timer.Cancel();
        }

        base.PostStop();
    }

    private void OnTopicMessage(TopicMessage message)
    {
        if (_topicHandlers.TryGetValue(message.Subscription, out var handlers))
        {
            Run([.. handlers.Select(handler => (Func<Task?>)(() => handler(message)))], $"the handler of '{message.Subscription}'");
        }
    }

    private void AddTopicHandler(string pattern, Func<TopicMessage, Task?> handler)
    {
        TopicPattern.Parse(pattern);
        ArgumentNullException.ThrowIfNull(handler);
        EnsureNotStarted("On");
        if (!_topicHandlers.TryGetValue(pattern, out var handlers))
        {
            _topicHandlers[pattern] = handlers = [];
        }

        handlers.Add(handler);
    }

    private void Declare(Endpoint endpoint)
    {
        try
        {
            Endpoints.Add(endpoint);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Device '{Name}': {e.Message}", nameof(endpoint), e);
        }
    }

    private void AddPeriodic(TimeSpan period, Func<Task?> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A period must be positive.");
        }

        EnsureNotStarted("Every");
        _periodic.Add((period, work));
    }

    private void EnsureNotStarted(string what)
    {
        if (IsStarted)
        {
            throw new InvalidOperationException($"Device '{Name}': call {what} in the constructor, before the device starts.");
        }
    }

    private static readonly EndpointParameter[] SendParameters = [new("sender", typeof(string)), new("data", typeof(object))];

    private sealed record PeriodicTick(int Index);

    private sealed record HeartbeatTick
    {
        public static readonly HeartbeatTick Instance = new();
    }
}
