using System.Collections.Concurrent;
using System.Globalization;
using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Clocks;
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
/// (see <see cref="DeviceHost.StartAsync"/> to receive it).</para>
/// <para>Handlers, requests and periodic work run one at a time on the device's actor, so they share
/// <see cref="Storage"/> without locks; an async handler holds the device until it completes. Tasks run
/// beside them on the thread pool: share data with them through <see cref="Storage"/>, which is thread-safe.</para>
/// <para>A handler or periodic work that throws is logged and the device keeps serving; a request whose
/// handler throws fails at the caller with a <see cref="RemoteException"/>.</para>
/// </remarks>
public abstract class DeviceActor : ReceiveActor, IWithStash
{
    private readonly Dictionary<string, List<Func<string, object, Task?>>> _topicHandlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RequestHandler> _requestHandlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<string, object?, Task?>> _sendHandlers = new(StringComparer.Ordinal);
    private readonly List<(TimeSpan Period, Func<Task?> Work)> _periodic = [];
    private readonly List<Func<CancellationToken, Task>> _tasks = [];
    private readonly List<IClockTimer> _timers = [];
    private readonly List<IActorRef> _startWaiters = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly DeviceSettings _settings;
    private Registration? _registration;
    private bool _started;
    private long _heartbeats;

    /// <summary>Creates the device; its name is its actor name.</summary>
    protected DeviceActor()
    {
        Name = Context.Self.Path.Name;
        Log = Context.GetLogger();
        Clock = NodeClock.Get(Context.System).Clock;
        Bus = TopicBus.Get(Context.System);
        _settings = DeviceSettings.Get(Context.System);
        Starting();
    }

    /// <summary>Gets the device's name, unique in the cluster.</summary>
    public string Name { get; }

    /// <summary>Gets state shared by the device's handlers, periodic work and tasks; thread-safe.</summary>
    public ConcurrentDictionary<string, object?> Storage { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <summary>Gets the node's clock, which periodic work and <see cref="Sleep(string, CancellationToken)"/> follow.</summary>
    protected Clock Clock { get; }

    /// <summary>Gets the device's logger.</summary>
    protected ILoggingAdapter Log { get; }

    private TopicBus Bus { get; }

    private CallClient Calls => CallClient.Get(Context.System);

    /// <summary>Calls <paramref name="handler"/> with the topic and payload of every message on a topic matching <paramref name="pattern"/>.</summary>
    /// <param name="pattern">An exact topic or a glob such as <c>*/heartbeat</c>.</param>
    /// <param name="handler">The handler.</param>
    protected void On(string pattern, Action<string, object> handler) =>
        AddTopicHandler(pattern, (topic, data) =>
        {
            handler(topic, data);
            return null;
        });

    /// <summary>Calls the async <paramref name="handler"/> for every message on a topic matching <paramref name="pattern"/>.</summary>
    /// <param name="pattern">An exact topic or a glob.</param>
    /// <param name="handler">The handler; the device waits for it before the next message.</param>
    protected void On(string pattern, Func<string, object, Task> handler) => AddTopicHandler(pattern, handler);

    /// <summary>Calls <paramref name="handler"/> for every <typeparamref name="T"/> on a topic matching <paramref name="pattern"/>; other payloads are logged and skipped.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="pattern">An exact topic or a glob.</param>
    /// <param name="handler">The handler.</param>
    protected void On<T>(string pattern, Action<string, T> handler) =>
        AddTopicHandler(pattern, (topic, data) =>
        {
            if (data is T typed)
            {
                handler(topic, typed);
            }
            else
            {
                Log.Warning("Device '{0}' skipped a {1} on '{2}': its handler for '{3}' takes {4}.", Name, data.GetType().Name, topic, pattern, typeof(T).Name);
            }

            return null;
        });

    /// <summary>Answers requests to <paramref name="endpoint"/> with what <paramref name="handler"/> returns for the arguments.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer from the arguments.</param>
    protected void OnRequest(string endpoint, Func<object?[], object?> handler) =>
        AddRequestHandler(endpoint, new RequestHandler(handler ?? throw new ArgumentNullException(nameof(handler)), null));

    /// <summary>Answers requests to <paramref name="endpoint"/> with what the async <paramref name="handler"/> completes with.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer from the arguments; the device waits for it.</param>
    protected void OnRequest(string endpoint, Func<object?[], Task<object?>> handler) =>
        AddRequestHandler(endpoint, new RequestHandler(null, handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Answers requests without arguments.</summary>
    /// <typeparam name="TResult">The answer's type.</typeparam>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer.</param>
    protected void OnRequest<TResult>(string endpoint, Func<TResult> handler) =>
        OnRequest(endpoint, args =>
        {
            Arguments(endpoint, args, 0);
            return handler();
        });

    /// <summary>Answers requests with one argument, converted to <typeparamref name="T1"/>.</summary>
    /// <typeparam name="T1">The argument's type.</typeparam>
    /// <typeparam name="TResult">The answer's type.</typeparam>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer.</param>
    protected void OnRequest<T1, TResult>(string endpoint, Func<T1, TResult> handler) =>
        OnRequest(endpoint, args =>
        {
            Arguments(endpoint, args, 1);
            return handler(Argument<T1>(endpoint, args, 0));
        });

    /// <summary>Answers requests with two arguments, converted to <typeparamref name="T1"/> and <typeparamref name="T2"/>.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="TResult">The answer's type.</typeparam>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">Computes the answer.</param>
    protected void OnRequest<T1, T2, TResult>(string endpoint, Func<T1, T2, TResult> handler) =>
        OnRequest(endpoint, args =>
        {
            Arguments(endpoint, args, 2);
            return handler(Argument<T1>(endpoint, args, 0), Argument<T2>(endpoint, args, 1));
        });

    /// <summary>Handles what other devices <see cref="Send"/> to <paramref name="endpoint"/>: the sender's name and the data.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">The handler.</param>
    protected void OnSend(string endpoint, Action<string, object?> handler) =>
        AddSendHandler(endpoint, (sender, data) =>
        {
            handler(sender, data);
            return null;
        });

    /// <summary>Handles what other devices send to <paramref name="endpoint"/>, asynchronously.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="handler">The handler; the device waits for it.</param>
    protected void OnSend(string endpoint, Func<string, object?, Task> handler) => AddSendHandler(endpoint, handler);

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
        if (_started)
        {
            StartTask(work);
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
        Calls.RequestAsync<T>(device, new DeviceRequest(endpoint, args), deadline);

    /// <summary>Sends <paramref name="data"/> to <paramref name="endpoint"/> of <paramref name="device"/>, without waiting for anything.</summary>
    /// <param name="device">The device's name.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="data">The data.</param>
    /// <exception cref="UnknownNameException">No device has that name (at once).</exception>
    protected void Send(string device, string endpoint, object? data) => Calls.Send(device, new DeviceSend(endpoint, Name, data));

    /// <inheritdoc />
    protected override void PreStart() =>
        NameRegistry.Get(Context.System).RegisterAsync(Name, "device", Self).PipeTo(Self, success: r => new Registered(r));

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stopping.Cancel();
        foreach (var timer in _timers)
        {
            timer.Cancel();
        }

        _registration?.DisposeAsync();
        _stopping.Dispose();
    }

    private void Starting()
    {
        Receive<Registered>(registered =>
        {
            _registration = registered.Registration;
            var subscriptions = _topicHandlers.Keys.Select(pattern => Bus.SubscribeAsync(pattern, Self)).ToList();
            Task.WhenAll(subscriptions).PipeTo(Self, success: () => Subscribed.Instance);
        });
        Receive<Subscribed>(_ =>
        {
            _started = true;
            Become(Running);
            StartWork();
            _startWaiters.ForEach(waiter => waiter.Tell(DeviceHost.Started.Instance));
            _startWaiters.Clear();
            Stash.UnstashAll();
        });
        Receive<Status.Failure>(failure =>
        {
            var cause = failure.Cause is AggregateException aggregate ? aggregate.GetBaseException() : failure.Cause;
            Log.Error(cause, "Device '{0}' could not start: {1}", Name, cause.Message);
            _startWaiters.ForEach(waiter => waiter.Tell(new Status.Failure(cause)));
            Context.Stop(Self);
        });
        Receive<DeviceHost.AwaitStarted>(_ => _startWaiters.Add(Sender));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Receive<TopicMessage>(OnTopicMessage);
        Receive<CallRequest>(OnCall);
        Receive<PeriodicTick>(tick => Run([_periodic[tick.Index].Work], $"periodic work #{tick.Index + 1}"));
        Receive<HeartbeatTick>(_ => Publish("heartbeat", new DeviceHeartbeat(Name, CallClient.Get(Context.System).Node.ToString(), ++_heartbeats)));
        Receive<RegistrationRevoked>(revoked =>
        {
            Log.Error("Device '{0}' lost its name to {1} and stops.", Name, revoked.Holder);
            Context.Stop(Self);
        });
        Receive<DeviceHost.AwaitStarted>(_ => Sender.Tell(DeviceHost.Started.Instance));
    }

    private void StartWork()
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

        _tasks.ForEach(StartTask);
    }

    private void StartTask(Func<CancellationToken, Task> work)
    {
        var token = _stopping.Token;
        var log = Log;
        var name = Name;
        _ = Task.Run(() => work(token), token).ContinueWith(
            done => log.Error(done.Exception!.GetBaseException(), "A task of device '{0}' failed: {1}", name, done.Exception.GetBaseException().Message),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    private void OnTopicMessage(TopicMessage message)
    {
        if (_topicHandlers.TryGetValue(message.Subscription, out var handlers))
        {
            Run([.. handlers.Select(handler => (Func<Task?>)(() => handler(message.Topic, message.Payload)))], $"the handler of '{message.Subscription}'");
        }
    }

    private void OnCall(CallRequest request)
    {
        switch (request.Payload)
        {
            case DeviceRequest deviceRequest when _requestHandlers.TryGetValue(deviceRequest.Endpoint, out var handler) && handler.Sync is { } answer:
                CallResponder.Respond(Context, request, _ => answer(deviceRequest.Args ?? []), Name);
                break;
            case DeviceRequest deviceRequest when _requestHandlers.TryGetValue(deviceRequest.Endpoint, out var handler):
                var context = Context;
                RunTask(() => CallResponder.RespondAsync(context, request, _ => handler.Async!(deviceRequest.Args ?? []), Name));
                break;
            case DeviceRequest deviceRequest:
                CallResponder.Respond(Context, request, _ => throw new UnknownEndpointException(Name, deviceRequest.Endpoint, _requestHandlers.Keys), Name);
                break;
            case DeviceSend send when _sendHandlers.TryGetValue(send.Endpoint, out var handler):
                Run([() => handler(send.Sender, send.Data)], $"the send handler of '{send.Endpoint}'");
                break;
            case DeviceSend send:
                Log.Warning("Device '{0}' dropped a send from {1}: {2}", Name, send.Sender, new UnknownEndpointException(Name, send.Endpoint, _sendHandlers.Keys).Message);
                break;
            default:
                if (request.ExpectsReply)
                {
                    CallResponder.Respond(Context, request, payload => throw new ArgumentException($"Device '{Name}' takes DeviceRequest and DeviceSend, not {payload.GetType().FullName}."), Name);
                }

                break;
        }
    }

    // Runs the steps in order on the actor. Synchronous steps cost nothing more; from the first step that
    // returns an unfinished task on, the rest run in RunTask, which holds the mailbox until they are done.
    private void Run(IReadOnlyList<Func<Task?>> steps, string what)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            Task? pending;
            try
            {
                pending = steps[i]();
            }
            catch (Exception e)
            {
                LogFailure(e, what);
                continue;
            }

            if (pending is { IsCompletedSuccessfully: false })
            {
                var rest = steps.Skip(i + 1).ToList();
                RunTask(async () =>
                {
                    await Observe(pending, what).ConfigureAwait(true);
                    foreach (var step in rest)
                    {
                        await Observe(Invoke(step, what), what).ConfigureAwait(true);
                    }
                });
                return;
            }
        }
    }

    private Task? Invoke(Func<Task?> step, string what)
    {
        try
        {
            return step();
        }
        catch (Exception e)
        {
            LogFailure(e, what);
            return null;
        }
    }

    private async Task Observe(Task? task, string what)
    {
        try
        {
            if (task is not null)
            {
                await task.ConfigureAwait(true);
            }
        }
        catch (Exception e)
        {
            LogFailure(e, what);
        }
    }

    private void LogFailure(Exception e, string what) =>
        Log.Error(e, "Device '{0}': {1} threw {2}: {3}", Name, what, e.GetType().Name, e.Message);

    private void AddTopicHandler(string pattern, Func<string, object, Task?> handler)
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

    private void AddRequestHandler(string endpoint, RequestHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (!_requestHandlers.TryAdd(endpoint, handler))
        {
            throw new ArgumentException($"Device '{Name}' already answers requests to '{endpoint}'.", nameof(endpoint));
        }
    }

    private void AddSendHandler(string endpoint, Func<string, object?, Task?> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_sendHandlers.TryAdd(endpoint, handler))
        {
            throw new ArgumentException($"Device '{Name}' already handles sends to '{endpoint}'.", nameof(endpoint));
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
        if (_started)
        {
            throw new InvalidOperationException($"Device '{Name}': call {what} in the constructor, before the device starts.");
        }
    }

    private static void Arguments(string endpoint, object?[] args, int count)
    {
        if (args.Length != count)
        {
            throw new ArgumentException($"The endpoint '{endpoint}' takes {count} argument(s); it was given {args.Length}.");
        }
    }

    private static T Argument<T>(string endpoint, object?[] args, int index)
    {
        var value = args[index];
        if (value is T typed)
        {
            return typed;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(target))
        {
            try
            {
                return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
            {
                // Reported below with the endpoint and position.
            }
        }

        throw new ArgumentException(
            $"Argument {index + 1} of the endpoint '{endpoint}' must be a {typeof(T).Name}; it was {(value is null ? "null" : $"a {value.GetType().Name} ({value})")}.");
    }

    // One of the two is set: a synchronous handler answers in the receive itself.
    private sealed record RequestHandler(Func<object?[], object?>? Sync, Func<object?[], Task<object?>>? Async);

    private sealed record Registered(Registration Registration);

    private sealed record Subscribed
    {
        public static readonly Subscribed Instance = new();
    }

    private sealed record PeriodicTick(int Index);

    private sealed record HeartbeatTick
    {
        public static readonly HeartbeatTick Instance = new();
    }
}
