using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Paths;

/// <summary>
/// Registers, calls and follows paths (ESHET's client): actions, properties, events and states, owned by actors anywhere
/// in the cluster. A client has an absolute base path against which relative paths resolve.
/// </summary>
/// <remarks>
/// <para>The paths a client registers belong to it: to the actor it was created for, or to the client itself. They are
/// held in the core's registry (kind <c>path:action</c>, <c>path:property</c>, <c>path:event</c>, <c>path:state</c>) by
/// one actor per path, which answers calls through the core's endpoints; events and state changes travel on the topic
/// bus. When the owning actor stops, the client is disposed, or the node leaves the cluster, the paths vanish: calls fail
/// with <see cref="PathNotFoundException"/> (a call in flight with <see cref="ClientExitedException"/>), and every observer
/// of a state sees it turn Unknown.</para>
/// <para>Errors are the typed exceptions deriving from <see cref="PathException"/>, each carrying ESHET's name; an owner's
/// handler that throws reaches the caller as the core's <see cref="RemoteException"/>, whose message ends with the handler's.</para>
/// </remarks>
public sealed class PathClient : IAsyncDisposable
{
    /// <summary>The deadline of calls, gets and sets when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static int _clients;
    private readonly ActorSystem _system;
    private readonly IActorRef _actor;
    private readonly NameRegistry _registry;
    private readonly CallClient _calls;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StateCell> _owned = new(StringComparer.Ordinal);
    private int _children;

    private PathClient(ActorSystem system, string basePath, IActorRef? owner, TimeSpan timeout)
    {
        _system = system;
        BasePath = basePath;
        Timeout = timeout;
        _registry = NameRegistry.Get(system);
        _calls = CallClient.Get(system);
        _clock = NodeClock.Get(system).Clock;
        _log = Logging.GetLogger(system, typeof(PathClient));
        var name = new string([.. (owner?.Path.Name ?? "client").Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')]);
        _actor = ((ExtendedActorSystem)system).SystemActorOf(
            PathClientActor.Props(owner),
            $"paths-{(name.Length == 0 ? "client" : name)}-{Interlocked.Increment(ref _clients)}");
    }

    /// <summary>Gets the absolute path that relative paths resolve against.</summary>
    public string BasePath { get; }

    /// <summary>Gets the node's actor system.</summary>
    public ActorSystem System => _system;

    /// <summary>Gets the deadline of calls, gets and sets (wall time).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Creates a client on <paramref name="system"/>.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="basePath">The absolute path relative paths resolve against; <c>/</c> by default.</param>
    /// <param name="owner">The actor the client's paths belong to: they vanish when it stops. Null: until the client is disposed.</param>
    /// <param name="timeout">The deadline of calls, gets and sets; <see cref="DefaultTimeout"/> when null.</param>
    /// <returns>The client.</returns>
    /// <exception cref="InvalidPathException">The base path is not valid.</exception>
    public static PathClient Create(ActorSystem system, string basePath = "/", IActorRef? owner = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        var deadline = timeout ?? DefaultTimeout;
        if (deadline <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), deadline, "The deadline of a path client's calls must be positive.");
        }

        return new PathClient(system, PathNames.CheckBase(basePath), owner, deadline);
    }

    /// <summary>Creates a client whose paths belong to the actor of <paramref name="context"/>: they vanish when it stops.</summary>
    /// <param name="context">The owning actor's context.</param>
    /// <param name="basePath">The absolute path relative paths resolve against.</param>
    /// <returns>The client.</returns>
    public static PathClient Create(IActorContext context, string basePath = "/")
    {
        ArgumentNullException.ThrowIfNull(context);
        return Create(context.System, basePath, context.Self);
    }

    /// <summary>Resolves <paramref name="path"/> against the base path.</summary>
    /// <param name="path">An absolute or relative path.</param>
    /// <returns>The absolute path.</returns>
    /// <exception cref="InvalidPathException">The path is not valid; the message names it.</exception>
    public string Resolve(string path) => PathNames.Resolve(BasePath, path);

    /// <summary>Registers an action whose handler takes the call's arguments as they arrive, any number of them.</summary>
    /// <param name="path">The action's path.</param>
    /// <param name="handler">Answers a call: a value, or a task of one; an exception fails the call with its message.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path; the message names it.</exception>
    /// <exception cref="PathIsDirectoryException">Paths are registered under it.</exception>
    /// <exception cref="NotADirectoryException">It lies under a registered path.</exception>
    public Task<PathRegistration> RegisterActionAsync(string path, Func<object?[], object?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return RegisterAsync(path, PathKind.Action, [Endpoint.Variadic("call", handler)]);
    }

    /// <summary>Registers an action without arguments.</summary>
    /// <typeparam name="TResult">What it answers; a <see cref="Task{TResult}"/> is awaited.</typeparam>
    /// <param name="path">The action's path.</param>
    /// <param name="handler">Answers a call.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public Task<PathRegistration> RegisterActionAsync<TResult>(string path, Func<TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return RegisterAsync(path, PathKind.Action, [new Endpoint("call", [], (_, _) => handler())]);
    }

    /// <summary>Registers an action with one argument, converted to <typeparamref name="TArg"/> (from JSON too).</summary>
    /// <typeparam name="TArg">The argument's type.</typeparam>
    /// <typeparam name="TResult">What it answers; a <see cref="Task{TResult}"/> is awaited.</typeparam>
    /// <param name="path">The action's path.</param>
    /// <param name="handler">Answers a call.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public Task<PathRegistration> RegisterActionAsync<TArg, TResult>(string path, Func<TArg, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return RegisterAsync(path, PathKind.Action, [new Endpoint("call", Endpoint.ParametersOf(handler), (_, args) => handler((TArg)args[0]!))]);
    }

    /// <summary>Registers an action with two arguments, converted to their types (from JSON too).</summary>
    /// <typeparam name="TArg1">The first argument's type.</typeparam>
    /// <typeparam name="TArg2">The second argument's type.</typeparam>
    /// <typeparam name="TResult">What it answers; a <see cref="Task{TResult}"/> is awaited.</typeparam>
    /// <param name="path">The action's path.</param>
    /// <param name="handler">Answers a call.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public Task<PathRegistration> RegisterActionAsync<TArg1, TArg2, TResult>(string path, Func<TArg1, TArg2, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return RegisterAsync(path, PathKind.Action, [new Endpoint("call", Endpoint.ParametersOf(handler), (_, args) => handler((TArg1)args[0]!, (TArg2)args[1]!))]);
    }

    /// <summary>Calls an action, wherever its owner is, and waits for its result.</summary>
    /// <typeparam name="T">The expected result type; the answer is converted to it.</typeparam>
    /// <param name="path">The action's path.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    /// <exception cref="PathNotFoundException">Nobody owns the path (at once, nothing is sent).</exception>
    /// <exception cref="WrongTypeOfNodeException">The path is not an action.</exception>
    /// <exception cref="ClientExitedException">The owner stopped, or its node left, before answering.</exception>
    /// <exception cref="RemoteException">The handler threw; the message ends with its message.</exception>
    public Task<T> CallAsync<T>(string path, params object?[] args) => CallAsync<T>(path, args, CancellationToken.None);

    /// <summary>Calls an action, wherever its owner is, and waits for its result.</summary>
    /// <typeparam name="T">The expected result type.</typeparam>
    /// <param name="path">The action's path.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The result.</returns>
    /// <exception cref="PathNotFoundException">Nobody owns the path.</exception>
    /// <exception cref="WrongTypeOfNodeException">The path is not an action.</exception>
    /// <exception cref="ClientExitedException">The owner stopped, or its node left, before answering.</exception>
    /// <exception cref="RemoteException">The handler threw.</exception>
    public Task<T> CallAsync<T>(string path, object?[] args, CancellationToken cancellationToken) =>
        RequestAsync<T>(path, "call", args ?? [], cancellationToken, PathKind.Action);

    /// <summary>Registers a property with a getter and, optionally, a setter.</summary>
    /// <typeparam name="T">The property's value type; a set's value is converted to it (from JSON too).</typeparam>
    /// <param name="path">The property's path.</param>
    /// <param name="getter">Answers a get.</param>
    /// <param name="setter">Answers a set; null makes a set fail with <see cref="PathNotImplementedException"/>.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public Task<PathRegistration> RegisterPropertyAsync<T>(string path, Func<T> getter, Action<T>? setter = null)
    {
        ArgumentNullException.ThrowIfNull(getter);
        return RegisterPropertyAsync(path, () => Task.FromResult(getter()), setter is null ? null : value =>
        {
            setter(value);
            return Task.CompletedTask;
        });
    }

    /// <summary>Registers a property with an async getter and, optionally, an async setter.</summary>
    /// <typeparam name="T">The property's value type.</typeparam>
    /// <param name="path">The property's path.</param>
    /// <param name="getter">Answers a get.</param>
    /// <param name="setter">Answers a set; null makes a set fail with <see cref="PathNotImplementedException"/>.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public Task<PathRegistration> RegisterPropertyAsync<T>(string path, Func<Task<T>> getter, Func<T, Task>? setter)
    {
        ArgumentNullException.ThrowIfNull(getter);
        var absolute = Resolve(path);
        return RegisterAsync(path, PathKind.Property, [new Endpoint("get", [], (_, _) => getter()), SetEndpoint(absolute, "property", setter)]);
    }

    /// <summary>Gets the value of a property or a state, wherever its owner is.</summary>
    /// <typeparam name="T">The expected value type; the answer is converted to it.</typeparam>
    /// <param name="path">The path.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The value.</returns>
    /// <exception cref="PathNotFoundException">Nobody owns the path.</exception>
    /// <exception cref="WrongTypeOfNodeException">The path is neither a property nor a state.</exception>
    /// <exception cref="StateUnknownException">The state is unknown.</exception>
    /// <exception cref="RemoteException">The getter threw.</exception>
    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default) =>
        RequestAsync<T>(path, "get", [], cancellationToken, PathKind.Property, PathKind.State);

    /// <summary>Sets a property or a state through its owner's setter, which runs exactly once.</summary>
    /// <param name="path">The path.</param>
    /// <param name="value">The value; the owner converts it to its type.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes once the setter has run.</returns>
    /// <exception cref="PathNotFoundException">Nobody owns the path.</exception>
    /// <exception cref="WrongTypeOfNodeException">The path is neither a property nor a state.</exception>
    /// <exception cref="PathNotImplementedException">The owner registered no setter.</exception>
    /// <exception cref="RemoteException">The setter threw; the message ends with its message.</exception>
    public Task SetAsync(string path, object? value, CancellationToken cancellationToken = default) =>
        RequestAsync<object?>(path, "set", [value], cancellationToken, PathKind.Property, PathKind.State);

    /// <summary>Registers an event and returns its emitter.</summary>
    /// <typeparam name="T">The type of the events' payloads.</typeparam>
    /// <param name="path">The event's path.</param>
    /// <returns>The emitter; dispose it to give the path up.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public async Task<EventEmitter<T>> RegisterEventAsync<T>(string path)
    {
        var (absolute, actor) = await RegisterOwnerAsync(path, PathKind.Event, [], null).ConfigureAwait(false);
        return new EventEmitter<T>(_system, absolute, actor);
    }

    /// <summary>Listens to an event, registered or not yet: <paramref name="handler"/> gets each event once, in order, one at a time.</summary>
    /// <typeparam name="T">The payloads' type; a payload that does not convert is logged and skipped.</typeparam>
    /// <param name="path">The event's path.</param>
    /// <param name="handler">Runs for each event; an exception is logged and the next event still comes.</param>
    /// <param name="cancellationToken">Stops waiting for the subscription.</param>
    /// <returns>The listening, once events emitted anywhere in the cluster reach it; dispose it to stop.</returns>
    /// <exception cref="WrongTypeOfNodeException">The path is registered, and not as an event.</exception>
    public Task<EventListening> ListenAsync<T>(string path, Action<T> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return ListenAsync<T>(path, payload =>
        {
            handler(payload);
            return Task.CompletedTask;
        }, cancellationToken);
    }

    /// <summary>Listens to an event with an async handler, awaited before the next event is handled.</summary>
    /// <typeparam name="T">The payloads' type.</typeparam>
    /// <param name="path">The event's path.</param>
    /// <param name="handler">Runs for each event.</param>
    /// <param name="cancellationToken">Stops waiting for the subscription.</param>
    /// <returns>The listening; dispose it to stop.</returns>
    /// <exception cref="WrongTypeOfNodeException">The path is registered, and not as an event.</exception>
    public async Task<EventListening> ListenAsync<T>(string path, Func<T, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var absolute = Resolve(path);
        if (_registry.TryLookup(absolute, out var entry) && (!PathKinds.TryParse(entry.Kind, out var kind) || kind != PathKind.Event))
        {
            throw WrongType(absolute, entry, "an event", "listened to");
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = _log;
        var listener = await SpawnAsync(EventListenerActor.Props(absolute, payload =>
        {
            if (!ValueConversion.TryConvert(payload, typeof(T), null, out var converted))
            {
                log.Warning("An event on '{0}' carries {1}, which is not a {2}: skipped.", absolute, payload?.GetType().Name ?? "null", typeof(T).Name);
                return null;
            }

            return handler((T)converted!);
        }, ready)).ConfigureAwait(false);
        try
        {
            await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _system.Stop(listener);
            throw;
        }

        return new EventListening(_system, absolute, listener);
    }

    /// <summary>Listens to an event as an async stream of its payloads (ESHET's <c>event_listen</c>), registered or not yet.</summary>
    /// <typeparam name="T">The payloads' type.</typeparam>
    /// <param name="path">The event's path.</param>
    /// <param name="cancellationToken">Stops waiting for the subscription.</param>
    /// <returns>The stream, once events emitted anywhere in the cluster reach it; each payload once, in order. Dispose it to stop.</returns>
    /// <exception cref="WrongTypeOfNodeException">The path is registered, and not as an event.</exception>
    public async Task<EventStream<T>> ListenAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
        var stream = new EventStream<T>(channel);
        stream.Attach(await ListenAsync<T>(path, payload => { channel.Writer.TryWrite(payload); }, cancellationToken).ConfigureAwait(false));
        return stream;
    }

    /// <summary>Registers a state, Unknown until its handle says otherwise.</summary>
    /// <typeparam name="T">The state's value type; a set's value is converted to it (from JSON too).</typeparam>
    /// <param name="path">The state's path.</param>
    /// <param name="setter">Runs when someone sets the state (it does not change the value by itself); null makes a set fail with <see cref="PathNotImplementedException"/>.</param>
    /// <returns>The handle that changes the value; dispose it to give the path up.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public Task<StateHandle<T>> RegisterStateAsync<T>(string path, Action<T>? setter = null) =>
        RegisterStateAsync<T>(path, setter is null ? null : (Func<T, Task>)(value =>
        {
            setter(value);
            return Task.CompletedTask;
        }));

    /// <summary>Registers a state with an async setter, Unknown until its handle says otherwise.</summary>
    /// <typeparam name="T">The state's value type.</typeparam>
    /// <param name="path">The state's path.</param>
    /// <param name="setter">Runs when someone sets the state; null makes a set fail with <see cref="PathNotImplementedException"/>.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public async Task<StateHandle<T>> RegisterStateAsync<T>(string path, Func<T, Task>? setter)
    {
        var absolute = Resolve(path);
        var cell = new StateCell(absolute, TopicBus.Get(_system), _clock);
        Endpoint[] endpoints =
        [
            new Endpoint("get", [], (_, _) => cell.Get()),
            new Endpoint("observe", [], (_, _) => cell.Snapshot()),
            SetEndpoint(absolute, "state", setter),
        ];
        var (_, actor) = await RegisterOwnerAsync(absolute, PathKind.State, endpoints, cell.Close, cell).ConfigureAwait(false);
        return new StateHandle<T>(_system, absolute, actor, cell);
    }

    /// <summary>Changes a state this client owns, by its path (ESHET's <c>state_changed</c>); <see cref="Unknown.Value"/> makes it unknown.</summary>
    /// <param name="path">The state's path.</param>
    /// <param name="value">The new value.</param>
    /// <exception cref="PathNotFoundException">Nobody owns the path.</exception>
    /// <exception cref="WrongTypeOfNodeException">The path is not a state.</exception>
    /// <exception cref="NotOwnerException">Another client owns it.</exception>
    public void StateChanged(string path, object? value) => OwnedState(path).Change(value is not Unknown, value is Unknown ? null : value);

    /// <summary>Makes a state this client owns unknown, by its path (ESHET's <c>state_unknown</c>).</summary>
    /// <param name="path">The state's path.</param>
    /// <exception cref="PathNotFoundException">Nobody owns the path.</exception>
    /// <exception cref="WrongTypeOfNodeException">The path is not a state.</exception>
    /// <exception cref="NotOwnerException">Another client owns it.</exception>
    public void StateUnknown(string path) => OwnedState(path).Change(false, null);

    /// <summary>
    /// Observes a state, registered or not yet: returns its current value or Unknown, then calls <paramref name="changed"/> for
    /// each change after it, on one thread at a time. It turns Unknown when its owner goes (stops, or its node leaves,
    /// crashes or is cut off from this one), and follows the next owner.
    /// </summary>
    /// <typeparam name="T">The state's value type; the values are converted to it.</typeparam>
    /// <param name="path">The state's path.</param>
    /// <param name="changed">Runs for each change after the current value; an exception is logged.</param>
    /// <param name="cancellationToken">Stops waiting for the current value.</param>
    /// <returns>The observation, with the current value as <see cref="StateObservation{T}.Initial"/>; dispose it to stop.</returns>
    /// <exception cref="WrongTypeOfNodeException">The path is registered, and not as a state.</exception>
    public async Task<StateObservation<T>> ObserveAsync<T>(string path, Action<StateValue<T>>? changed = null, CancellationToken cancellationToken = default)
    {
        var absolute = Resolve(path);
        var log = _log;
        T Convert(object? value) => ValueConversion.Expect<T>(value, () => $"the state '{absolute}'");
        var state = new ObservedState(_clock);
        var ready = new TaskCompletionSource<ObservedState>(TaskCreationOptions.RunContinuationsAsynchronously);
        var observer = await SpawnAsync(StateObserverActor.Props(absolute, state, (known, value) =>
        {
            if (changed is null)
            {
                return;
            }

            StateValue<T> next;
            try
            {
                next = known ? StateValue<T>.Known(Convert(value)) : StateValue<T>.Unknown;
            }
            catch (InvalidCastException e)
            {
                log.Warning("{0}: skipped.", e.Message);
                return;
            }

            changed(next);
        }, ready, Timeout)).ConfigureAwait(false);
        try
        {
            await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _system.Stop(observer);
            throw;
        }

        return new StateObservation<T>(_system, absolute, observer, state, Convert);
    }

    /// <summary>Stops the client: every path it registered vanishes, and its observations and listeners stop.</summary>
    /// <returns>A task that completes once the client's actor has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _actor.GracefulStop(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TaskCanceledException)
        {
            // Already stopping with its owner.
        }
    }

    private static WrongTypeOfNodeException WrongType(string path, RegistryEntry entry, string expected, string operation) =>
        new(path, $"The path '{path}' is {Describe(entry)}, not {expected}: it cannot be {operation}.");

    private static string Describe(RegistryEntry entry) =>
        PathKinds.TryParse(entry.Kind, out var kind)
            ? (kind is PathKind.Action or PathKind.Event ? "an " : "a ") + PathKinds.Describe(kind)
            : $"registered as a {entry.Kind}";

    private static string DescribeOwner(RegistryEntry entry) => $"{entry.Owner.Path.Parent.Name} on {entry.Node}";

    private static Endpoint SetEndpoint<T>(string path, string what, Func<T, Task>? setter) =>
        setter is null
            ? Endpoint.Variadic("set", _ => throw new PathNotImplementedException(path, $"The {what} '{path}' cannot be set: its owner registered no setter."))
            : new Endpoint("set", [new EndpointParameter("value", typeof(T))], (_, args) => setter((T)args[0]!));

    private StateCell OwnedState(string path)
    {
        var absolute = Resolve(path);
        var entry = Find(absolute, "changed", PathKind.State);
        if (!entry.Owner.Path.Parent.Equals(_actor.Path) || !_owned.TryGetValue(absolute, out var cell))
        {
            throw new NotOwnerException(absolute, $"The state '{absolute}' belongs to {DescribeOwner(entry)}, not to this client: only its owner changes it.");
        }

        return cell;
    }

    private RegistryEntry Find(string path, string operation, PathKind expected, PathKind? alternative = null)
    {
        if (!_registry.TryLookup(path, out var entry) || !PathKinds.TryParse(entry.Kind, out var kind))
        {
            throw new PathNotFoundException(path);
        }

        if (kind != expected && kind != alternative)
        {
            var what = alternative is { } other
                ? $"{Article(expected)}{PathKinds.Describe(expected)} or {Article(other)}{PathKinds.Describe(other)}"
                : Article(expected) + PathKinds.Describe(expected);
            throw WrongType(path, entry, what, operation);
        }

        return entry;
    }

    private static string Article(PathKind kind) => kind is PathKind.Action or PathKind.Event ? "an " : "a ";

    private async Task<T> RequestAsync<T>(string path, string endpoint, object?[] args, CancellationToken cancellationToken, PathKind expected, PathKind? alternative = null)
    {
        var absolute = Resolve(path);
        var operation = endpoint switch { "call" => "called", "get" => "got", _ => "set" };
        var entry = Find(absolute, operation, expected, alternative);
        try
        {
            return await _calls.RequestAsync<T>(entry.Owner, new EndpointCall(endpoint, args), Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (PathErrors.Translate(e, absolute) is var translated && !ReferenceEquals(translated, e))
        {
            throw translated;
        }
    }

    private Task<PathRegistration> RegisterAsync(string path, PathKind kind, IReadOnlyList<Endpoint> endpoints) =>
        RegisterOwnerAsync(path, kind, endpoints, null).ContinueWith(
            registered => new PathRegistration(_system, registered.Result.Path, kind, registered.Result.Actor),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private async Task<(string Path, IActorRef Actor)> RegisterOwnerAsync(string path, PathKind kind, IReadOnlyList<Endpoint> endpoints, Action? stopped, StateCell? cell = null)
    {
        var absolute = Resolve(path);
        CheckTree(absolute);
        var actor = await SpawnAsync(PathOwnerActor.Props(absolute, endpoints, stopped), $"{absolute[1..].Replace('/', '.')}~{Interlocked.Increment(ref _children)}").ConfigureAwait(false);
        try
        {
            await _registry.RegisterAsync(absolute, PathKinds.ToRegistryKind(kind), actor).ConfigureAwait(false);
        }
        catch (DuplicateNameException e)
        {
            _system.Stop(actor);
            throw new PathAlreadyExistsException(absolute, $"The path '{absolute}' is already registered, as {Describe(e.Holder)} of {DescribeOwner(e.Holder)}.", e);
        }
        catch
        {
            _system.Stop(actor);
            throw;
        }

        if (cell is not null)
        {
            cell.Owner = actor;
            _owned[absolute] = cell;
            cell.Announce();
        }

        return (absolute, actor);
    }

    // ESHET's tree: a leaf holds no children, and a path with children cannot become a leaf.
    private void CheckTree(string path)
    {
        if (_registry.TryLookup(path, out var holder))
        {
            throw new PathAlreadyExistsException(path, $"The path '{path}' is already registered, as {Describe(holder)} of {DescribeOwner(holder)}.");
        }

        foreach (var entry in _registry.Entries)
        {
            if (!entry.Kind.StartsWith(PathKinds.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (PathNames.IsUnder(entry.Name, path))
            {
                throw new PathIsDirectoryException(path, $"The path '{path}' is a directory: '{entry.Name}' is registered under it, so it cannot be a leaf.");
            }

            if (PathNames.IsUnder(path, entry.Name))
            {
                throw new NotADirectoryException(path, $"The path '{path}' cannot be registered: '{entry.Name}' is {Describe(entry)}, a leaf, which cannot hold children.");
            }
        }
    }

    private async Task<IActorRef> SpawnAsync(Props props, string? name = null)
    {
        try
        {
            return await _actor.Ask<IActorRef>(new PathClientActor.Spawn(props, name), Timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new ObjectDisposedException($"This path client (base '{BasePath}') has stopped: it was disposed, or the actor it belongs to stopped.", e);
        }
    }
}
