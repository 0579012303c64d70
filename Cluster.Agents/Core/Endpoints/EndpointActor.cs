using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Endpoints;

/// <summary>
/// The base of every named actor with endpoints (a device, an agent's host, a command actor): one lifecycle and one
/// dispatcher for all of them. It registers its name cluster-wide, runs its start step, and only then takes
/// messages; it answers each <see cref="EndpointCall"/> by finding the endpoint, converting the arguments and running
/// the handler, one call at a time.
/// </summary>
/// <remarks>
/// <para>Lifecycle: when it registers (the default), a name already held elsewhere stops it with a
/// <see cref="DuplicateNameException"/>, which <see cref="NamedActors.StartAsync"/> throws to whoever started it. Messages
/// that arrive while it starts wait in its mailbox, in order; if it cannot start, calls among them fail with the reason. A later loss of the name (the registry's conflict resolution after a
/// partition) stops it with an error in the log.</para>
/// <para>Errors, the same for every face: an unknown endpoint fails the call with an <see cref="UnknownEndpointException"/>
/// listing the endpoints; arguments that do not fit, with an <see cref="ArgumentException"/> naming the parameter; a
/// handler that throws, with its exception; the caller of a remote actor receives each as a <see cref="RemoteException"/>.</para>
/// <para>Async handlers and async steps of <see cref="Run"/> hold the actor until they complete, so handlers never run
/// concurrently. Background work (<see cref="StartBackground"/>) runs beside them on the thread pool and is cancelled
/// when the actor stops.</para>
/// </remarks>
// An untyped actor, and everything but the name made on first use: a container may spawn a hundred thousand agents.
public abstract class EndpointActor : UntypedActor
{
    private readonly string _kind;
    private readonly bool _register;
    private CancellationTokenSource? _stopping;
    private ILoggingAdapter? _log;
    private EndpointTable? _endpoints;
    private Func<object, Type, object?>? _converter;
    private Registration? _registration;
    private Exception? _startFailure;

    /// <summary>Creates the actor; its name is its actor name.</summary>
    /// <param name="kind">What it is, as the registry lists it, e.g. <c>device</c> or <c>agent</c>.</param>
    /// <param name="register">Whether it registers its name cluster-wide before it starts.</param>
    protected EndpointActor(string kind, bool register = true)
    {
        _kind = kind;
        _register = register;
        Name = Context.Self.Path.Name;
    }

    /// <summary>Gets the actor's name, unique in the cluster when it registers.</summary>
    public string Name { get; }

    /// <summary>Gets a value indicating whether the actor has started: its name is registered and its start step done.</summary>
    protected bool IsStarted { get; private set; }

    /// <summary>Gets the actor's logger; use it on the actor, not from background work (capture it first).</summary>
    protected ILoggingAdapter Log => _log ??= Context.GetLogger();

    /// <summary>Gets a token cancelled when the actor stops.</summary>
    protected CancellationToken Stopping => (_stopping ??= new CancellationTokenSource()).Token;

    /// <summary>Gets the name errors give as their origin; the actor's name unless a face names it otherwise.</summary>
    protected virtual string OriginName => Name;

    /// <summary>Gets the actor's endpoints: its own table, to declare endpoints in, unless a face gives a shared one.</summary>
    protected virtual EndpointTable Endpoints => _endpoints ??= new EndpointTable(Name);

    /// <summary>Gets the object the endpoints run on: null for an actor's own closures.</summary>
    protected virtual object? EndpointTarget => null;

    /// <summary>Runs after the name is registered and before any message is handled; its task, when not null, is waited for.</summary>
    /// <returns>A task to wait for, or null.</returns>
    protected virtual Task? OnStartingAsync() => null;

    /// <summary>Runs once the actor has started, on the actor, before the messages that waited are handled.</summary>
    protected virtual void OnStarted()
    {
    }

    /// <summary>Converts an argument the one rule does not (see <see cref="ValueConversion"/>); null leaves it to the rule.</summary>
    /// <param name="value">The argument.</param>
    /// <param name="type">The parameter's type.</param>
    /// <returns>The converted value, or null.</returns>
    protected virtual object? ConvertArgument(object value, Type type) => null;

    /// <summary>Turns a handler's value into what crosses the wire; the value itself unless a face says otherwise.</summary>
    /// <param name="value">The value.</param>
    /// <returns>What is sent.</returns>
    protected virtual object? ToWire(object? value) => value;

    /// <summary>Handles a message that is not a call or the lifecycle's own: a face's messages (a device's topic messages and ticks).</summary>
    /// <param name="message">The message.</param>
    protected virtual void OnMessage(object message) => Unhandled(message);

    /// <inheritdoc />
    protected sealed override void OnReceive(object message)
    {
        if (_startFailure is not null)
        {
            OnStartFailed(message);
            return;
        }

        switch (message)
        {
            case CallRequest request:
                OnCall(request);
                break;
            case RegistrationRevoked revoked:
                Log.Error("'{0}' lost its name to {1} and stops.", Name, revoked.Holder);
                Context.Stop(Self);
                break;
            case NamedActors.AwaitStarted:
                Sender.Tell(NamedActors.Started.Instance);
                break;
            default:
                OnMessage(message);
                break;
        }
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        var register = _register && NameRegistry.IsEnabled(Context.System);
        var step = register ? null : OnStartingAsync();
        if (!register && (step is null || step.IsCompletedSuccessfully))
        {
            Started();
            return;
        }

        // Holding the mailbox keeps every message in order until the actor runs, with no stash to allocate per actor.
        var registry = register ? NameRegistry.Get(Context.System) : null;
        RunTask(async () =>
        {
            try
            {
                if (registry is not null)
                {
                    _registration = await registry.RegisterAsync(Name, _kind, Self).ConfigureAwait(true);
                    step = OnStartingAsync();
                }

                if (step is not null)
                {
                    await step.ConfigureAwait(true);
                }
            }
            catch (Exception e)
            {
                FailStart(e is AggregateException aggregate ? aggregate.GetBaseException() : e);
                return;
            }

            Started();
        });
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stopping?.Cancel();
        _registration?.DisposeAsync();
        _stopping?.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="steps"/> in order on the actor: a step that throws is logged and the next runs; from the first
    /// step that returns an unfinished task on, the actor waits for each before its next message.
    /// </summary>
    /// <param name="steps">The steps; each returns null or a task.</param>
    /// <param name="what">What they are, for the log, e.g. <c>the handler of 'drive/*'</c>.</param>
    protected void Run(IReadOnlyList<Func<Task?>> steps, string what)
    {
        ArgumentNullException.ThrowIfNull(steps);
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

    /// <summary>Starts <paramref name="work"/> on the thread pool, beside the handlers; its token is cancelled when the actor stops, and a failure is logged.</summary>
    /// <param name="work">The work.</param>
    /// <param name="what">What it is, for the log.</param>
    protected void StartBackground(Func<CancellationToken, Task> work, string what)
    {
        ArgumentNullException.ThrowIfNull(work);
        var token = Stopping;
        var log = Log;
        var name = OriginName;
        _ = Task.Run(() => work(token), token).ContinueWith(
            done => log.Error(done.Exception!.GetBaseException(), "'{0}': {1} failed: {2}", name, what, done.Exception.GetBaseException().Message),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    // The messages that waited meanwhile are answered with the failure: a start waiter learns why, a caller fails at once.
    private void FailStart(Exception cause)
    {
        _startFailure = cause;
        Log.Error(cause, "'{0}' could not start: {1}", Name, cause.Message);
        Self.Tell(StopAfterFailedStart.Instance);
    }

    private void OnStartFailed(object message)
    {
        switch (message)
        {
            case NamedActors.AwaitStarted:
                Sender.Tell(new Status.Failure(_startFailure!));
                break;
            case CallRequest request:
                CallResponder.Accept(Context, request, OriginName).Fail(
                    new InvalidOperationException($"'{Name}' could not start: {_startFailure!.Message}", _startFailure));
                break;
            case StopAfterFailedStart:
                Context.Stop(Self);
                break;
        }
    }

    private void Started()
    {
        IsStarted = true;
        OnStarted();
    }

    private void OnCall(CallRequest request)
    {
        var call = CallResponder.Accept(Context, request, OriginName);
        if (call.RefuseIfUnreadable())
        {
            return;
        }

        object? result;
        var concurrent = false;
        try
        {
            if (call.Payload is not EndpointCall endpointCall)
            {
                throw new NotSupportedException($"'{OriginName}' answers {nameof(EndpointCall)} requests, not {call.Payload.GetType().FullName}.");
            }

            var (endpoint, target) = Endpoints.Resolve(EndpointTarget, endpointCall.Endpoint, OriginName);
            concurrent = endpoint.StreamsConcurrently;
            result = endpoint.Invoke(target, endpoint.Prepare(endpointCall.Args, OriginName, _converter ??= ConvertArgument));
        }
        catch (Exception e)
        {
            call.Fail(e);
            return;
        }

        Answer(call, result, concurrent);
    }

    private void Answer(IncomingCall call, object? result, bool concurrent)
    {
        if (result is Task task)
        {
            if (task.IsCompletedSuccessfully)
            {
                call.Reply(ToWire(Endpoint.ResultOf(task)));
                return;
            }

            // Holds the mailbox until the handler completes, so calls still run one at a time.
            RunTask(async () =>
            {
                try
                {
                    await task.ConfigureAwait(true);
                }
                catch (Exception e)
                {
                    call.Fail(e);
                    return;
                }

                call.Reply(ToWire(Endpoint.ResultOf(task)));
            });
            return;
        }

        var stream = Endpoint.AsStream(result);
        if (stream is not null && concurrent)
        {
            _ = call.SendStreamAsync(stream, ToWire, onCapturedContext: false, leaveAfterFirstBatch: true);
            return;
        }

        if (stream is not null)
        {
            RunTask(() => call.SendStreamAsync(stream, ToWire, onCapturedContext: true));
            return;
        }

        call.Reply(ToWire(result));
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
        Log.Error(e, "'{0}': {1} threw {2}: {3}", OriginName, what, e.GetType().Name, e.Message);

    private sealed record StopAfterFailedStart
    {
        public static readonly StopAfterFailedStart Instance = new();
    }
}
