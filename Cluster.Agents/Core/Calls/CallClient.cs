using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Registry;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// Calls other actors, on this node or another: a request with a deadline, a one-way send, or a request
/// with a stream of answers. The target answers through <see cref="CallResponder"/>.
/// </summary>
/// <remarks>
/// <para>
/// A call ends with the answer's value, or with one of these exceptions: <see cref="RemoteException"/> when
/// the target's handler threw; <see cref="TargetTerminatedException"/> as soon as the target stops or its
/// node leaves the cluster (it is watched for the length of the call); <see cref="TimeoutException"/> when
/// the deadline passes; <see cref="InvalidCastException"/> when the answer is not of the expected type;
/// <see cref="ArgumentException"/>, before anything is sent, when the payload cannot be serialized for a
/// remote target; <see cref="UnknownNameException"/>, at once, when a call by name names nothing registered.
/// </para>
/// <para>
/// Deadlines are wall time, measured by the Akka scheduler: they are network deadlines and do not follow a
/// simulated clock.
/// </para>
/// </remarks>
public sealed class CallClient : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly CallWatches _watches;
    private readonly CallReplies _replies;
    private NameRegistry? _registry;
    private long _lastCallId;
    private int _pending;
    private long _refused;

    private CallClient(ExtendedActorSystem system)
    {
        _system = system;
        Node = system.Provider.DefaultAddress;
        Wire = new WireCheck(system);
        _watches = new CallWatches(system);
        _replies = new CallReplies(system);
        var limit = system.Settings.Config.WithFallback(DefaultConfig()).GetInt(MaxPendingKey, 0);
        MaxPending = limit > 0
            ? limit
            : throw new ClusterConfigurationException(MaxPendingKey, limit.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be a positive number of calls.");
    }

    /// <summary>The HOCON key of <see cref="MaxPending"/>.</summary>
    public const string MaxPendingKey = "cluster-node.calls.max-pending";

    /// <summary>Gets the most calls this node's callers may have waiting for an answer at once. <value>The default is 10000.</value></summary>
    public int MaxPending { get; }

    /// <summary>Gets how many calls are waiting for an answer now.</summary>
    public int PendingCount => Volatile.Read(ref _pending);

    /// <summary>Gets how many calls were refused because <see cref="MaxPending"/> calls were already waiting.</summary>
    public long RefusedCount => Interlocked.Read(ref _refused);

    /// <summary>Gets the address of this node, as errors name it.</summary>
    public Address Node { get; }

    internal WireCheck Wire { get; }

    private NameRegistry Registry => _registry ??= NameRegistry.Get(_system);

    /// <summary>Gets the call client of <paramref name="system"/>.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <returns>The client.</returns>
    public static CallClient Get(ActorSystem system) => system.WithExtension<CallClient, Provider>();

    /// <summary>Gets the embedded defaults of the call client (<c>cluster-node.calls</c>).</summary>
    /// <returns>The defaults.</returns>
    public static Config DefaultConfig() => ClusterHocon.LoadResource(typeof(ClusterHocon).Assembly, "Cluster.Agents.Core.Calls.calls.conf");

    /// <summary>Asks <paramref name="target"/> for a value and waits for it at most <paramref name="deadline"/>.</summary>
    /// <typeparam name="T">The expected type of the answer.</typeparam>
    /// <param name="target">The actor that answers.</param>
    /// <param name="payload">What is asked.</param>
    /// <param name="deadline">How long to wait for the answer (wall time); positive and finite.</param>
    /// <param name="cancellationToken">Stops waiting; the target may still handle the request.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="RemoteException">The target's handler threw.</exception>
    /// <exception cref="TargetTerminatedException">The target stopped, or its node left, before answering.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="deadline"/>.</exception>
    /// <exception cref="InvalidCastException">The answer is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The answer arrived but cannot be deserialized on this node.</exception>
    /// <exception cref="ArgumentException">The payload cannot be serialized for a remote target.</exception>
    public Task<T> RequestAsync<T>(IActorRef target, object payload, TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return RequestAsync<T>(target, null, payload, deadline, cancellationToken);
    }

    /// <summary>Asks the actor registered as <paramref name="name"/> for a value and waits for it at most <paramref name="deadline"/>.</summary>
    /// <typeparam name="T">The expected type of the answer.</typeparam>
    /// <param name="name">The registered name of the actor that answers.</param>
    /// <param name="payload">What is asked.</param>
    /// <param name="deadline">How long to wait for the answer (wall time); positive and finite.</param>
    /// <param name="cancellationToken">Stops waiting; the target may still handle the request.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="UnknownNameException">Nothing is registered as <paramref name="name"/> (at once, nothing is sent).</exception>
    /// <exception cref="RemoteException">The target's handler threw.</exception>
    /// <exception cref="TargetTerminatedException">The target stopped, or its node left, before answering.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="deadline"/>.</exception>
    /// <exception cref="InvalidCastException">The answer is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="ArgumentException">The payload cannot be serialized for a remote target.</exception>
    public Task<T> RequestAsync<T>(string name, object payload, TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        try
        {
            var entry = Registry.Lookup(name);
            return RequestAsync<T>(entry.Owner, entry.Name, payload, deadline, cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    /// <summary>Sends <paramref name="payload"/> to <paramref name="target"/> without waiting for an answer.</summary>
    /// <param name="target">The receiving actor; it handles the payload as a request and sends no answer.</param>
    /// <param name="payload">What is sent.</param>
    /// <exception cref="ArgumentException">The payload cannot be serialized for a remote target.</exception>
    public void Send(IActorRef target, object payload)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(payload);
        target.Tell(Prepare(target, new CallRequest(0, payload)), ActorRefs.NoSender);
    }

    /// <summary>Sends <paramref name="payload"/> to the actor registered as <paramref name="name"/> without waiting for an answer.</summary>
    /// <param name="name">The registered name of the receiving actor.</param>
    /// <param name="payload">What is sent.</param>
    /// <exception cref="UnknownNameException">Nothing is registered as <paramref name="name"/>.</exception>
    /// <exception cref="ArgumentException">The payload cannot be serialized for a remote target.</exception>
    public void Send(string name, object payload) => Send(Registry.Lookup(name).Owner, payload);

    /// <summary>Asks <paramref name="target"/> for a stream of values, read as they arrive.</summary>
    /// <typeparam name="T">The expected type of each value.</typeparam>
    /// <param name="target">The actor that answers.</param>
    /// <param name="payload">What is asked.</param>
    /// <param name="deadline">How long the whole stream may take, to its end (wall time); <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Stops reading; the target may keep sending, and what it sends is dropped.</param>
    /// <returns>The values in the order the target sent them. Enumerating throws the exceptions <see cref="RequestAsync{T}(IActorRef, object, TimeSpan, CancellationToken)"/> throws.</returns>
    /// <exception cref="ArgumentException">The payload cannot be serialized for a remote target.</exception>
    public IAsyncEnumerable<T> StreamAsync<T>(IActorRef target, object payload, TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return StreamAsync<T>(target, null, payload, deadline, cancellationToken);
    }

    /// <summary>Asks the actor registered as <paramref name="name"/> for a stream of values, read as they arrive.</summary>
    /// <typeparam name="T">The expected type of each value.</typeparam>
    /// <param name="name">The registered name of the actor that answers.</param>
    /// <param name="payload">What is asked.</param>
    /// <param name="deadline">How long the whole stream may take, to its end (wall time); <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Stops reading; the target may keep sending, and what it sends is dropped.</param>
    /// <returns>The values in the order the target sent them.</returns>
    /// <exception cref="UnknownNameException">Nothing is registered as <paramref name="name"/> (at once, nothing is sent).</exception>
    /// <exception cref="ArgumentException">The payload cannot be serialized for a remote target.</exception>
    public IAsyncEnumerable<T> StreamAsync<T>(string name, object payload, TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        var entry = Registry.Lookup(name);
        return StreamAsync<T>(entry.Owner, entry.Name, payload, deadline, cancellationToken);
    }

    /// <summary>
    /// Asks <paramref name="target"/> for a stream of values and hands each to <paramref name="observer"/> on the thread
    /// that delivers it, without the hop to a reader's thread that <see cref="StreamAsync{T}(IActorRef, object, TimeSpan, CancellationToken)"/> takes.
    /// </summary>
    /// <typeparam name="T">The expected type of each value.</typeparam>
    /// <param name="target">The actor that answers.</param>
    /// <param name="payload">What is asked.</param>
    /// <param name="deadline">How long the whole stream may take, to its end (wall time); <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="observer">
    /// Gets the values in the order the target sent them, then exactly one ending: <see cref="IObserver{T}.OnCompleted"/>, or
    /// <see cref="IObserver{T}.OnError"/> with an exception <see cref="RequestAsync{T}(IActorRef, object, TimeSpan, CancellationToken)"/>
    /// throws (a refusal for too many pending calls arrives there too, before this method returns). Its calls never overlap; they run on
    /// remoting's thread, the deadline's timer or the caller's, so they must be short and must not block.
    /// </param>
    /// <returns>Disposing it stops the stream: the observer hears nothing more, and what the target still sends is dropped.</returns>
    /// <exception cref="ArgumentException">The payload cannot be serialized for a remote target.</exception>
    public IDisposable Stream<T>(IActorRef target, object payload, TimeSpan deadline, IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(observer);
        CheckStreamDeadline(deadline);
        var callId = NextCallId();
        var request = Prepare(target, new CallRequest(callId, payload));
        return Observe(target, callId, request, deadline, CallTarget.Of(target, null, Node), observer);
    }

    private static T Expect<T>(object? value, CallTarget target) => ValueConversion.Expect<T>(value, () => $"'{target.Name}' on {target.Node}");

    private async Task<T> RequestAsync<T>(IActorRef target, string? name, object payload, TimeSpan deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (deadline <= TimeSpan.Zero || deadline == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(deadline), deadline, "A request's deadline must be positive and finite.");
        }

        var callId = NextCallId();
        var request = Prepare(target, new CallRequest(callId, payload));
        Admit(target, name);
        try
        {
            return await RequestAdmittedAsync<T>(target, name, request, callId, deadline, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    // Counts the call in, or refuses it when the node already waits for as many answers as it may.
    private void Admit(IActorRef target, string? name)
    {
        if (Interlocked.Increment(ref _pending) <= MaxPending)
        {
            return;
        }

        Interlocked.Decrement(ref _pending);
        Interlocked.Increment(ref _refused);
        var describe = CallTarget.Of(target, name, Node);
        throw new TooManyPendingCallsException($"'{describe.Name}' on {describe.Node}", MaxPending);
    }

    private async Task<T> RequestAdmittedAsync<T>(IActorRef target, string? name, object request, long callId, TimeSpan deadline, CancellationToken cancellationToken)
    {
        // One source ends the wait for all three reasons: the deadline, the caller's token, the target's termination.
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = _watches.Begin(target, giveUp);
        var answer = _replies.Expect(callId);
        object reply;
        try
        {
            giveUp.CancelAfter(deadline);
            target.Tell(request, _replies);
            reply = await answer.WaitAsync(giveUp.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && answer.IsCompletedSuccessfully)
        {
            // The answer came just before the target stopped: it counts, whichever the wait saw first.
            reply = answer.Result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var describe = CallTarget.Of(target, name, Node);
            if (pending.Terminated.IsCompleted)
            {
                throw new TargetTerminatedException(describe.Name, describe.Node, pending.Terminated.Result);
            }

            throw new TimeoutException(
                $"No answer from '{describe.Name}' on {describe.Node} within the deadline of {CallTarget.Format(deadline)} (wall time).");
        }
        finally
        {
            _replies.Forget(callId);
            CallWatches.End(pending);
        }

        var value = reply is CallFailed failed ? throw new RemoteException(failed.Error) : ((CallReply)reply).Value;

        // The target is described only when the answer is wrong: that string is not needed on the way of every call.
        return value is T typed and not UnreadablePayload ? typed : Expect<T>(value, CallTarget.Of(target, name, Node));
    }

    private IAsyncEnumerable<T> StreamAsync<T>(IActorRef target, string? name, object payload, TimeSpan deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        CheckStreamDeadline(deadline);
        var describe = CallTarget.Of(target, name, Node);
        var callId = NextCallId();
        var request = Prepare(target, new CallRequest(callId, payload));
        return ReadStreamAsync<T>(target, callId, request, deadline, describe, cancellationToken);
    }

    private static void CheckStreamDeadline(TimeSpan deadline)
    {
        if (deadline <= TimeSpan.Zero && deadline != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(deadline), deadline, "A stream's deadline must be positive, or infinite.");
        }
    }

    // The pull form is the push form written into a channel: the stream starts when reading starts, and ends when reading stops.
    private async IAsyncEnumerable<T> ReadStreamAsync<T>(
        IActorRef target,
        long callId,
        object request,
        TimeSpan deadline,
        CallTarget describe,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stream = Observe(target, callId, request, deadline, describe, new ChannelObserver<T>(channel.Writer));
        while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (channel.Reader.TryRead(out var value))
            {
                yield return value;
            }
        }
    }

    private ObservedStream<T> Observe<T>(IActorRef target, long callId, object request, TimeSpan deadline, CallTarget describe, IObserver<T> observer)
    {
        var stream = new ObservedStream<T>(this, observer, describe, callId, deadline);
        stream.Start(target, request);
        return stream;
    }

    // What goes to the target: the request itself, or for a remote target the request with its payload serialized.
    private object Prepare(IActorRef target, CallRequest request)
    {
        var message = Wire.Prepare(target, request, request.Payload, "payload", out var problem);
        if (problem is not null)
        {
            throw new ArgumentException(char.ToUpperInvariant(problem[0]) + problem[1..] + ".", "payload");
        }

        return message;
    }

    private long NextCallId() => Interlocked.Increment(ref _lastCallId);

    private sealed class ChannelObserver<T>(ChannelWriter<T> writer) : IObserver<T>
    {
        public void OnNext(T value) => writer.TryWrite(value);

        public void OnError(Exception error) => writer.TryComplete(error);

        public void OnCompleted() => writer.TryComplete();
    }

    /// <summary>
    /// One stream call from its start to its one ending: the answers (through the shared reply reference), the deadline and the
    /// target's termination (through the shared watch) all end it here, whichever comes first, and the others find it ended.
    /// </summary>
    private sealed class ObservedStream<T>(CallClient client, IObserver<T> observer, CallTarget describe, long callId, TimeSpan deadline) : StreamCall, IDisposable
    {
        // Serializes the observer's calls; re-entered when an ending arrives on the starting thread (a target that is already gone).
        private readonly object _gate = new();
        private bool _ended;
        private bool _admitted;
        private CancellationTokenSource? _giveUp;
        private PendingCall? _pending;
        private CancellationTokenRegistration _ending;

        public void Start(IActorRef target, object request)
        {
            lock (_gate)
            {
                try
                {
                    client.Admit(target, describe.Name);
                }
                catch (TooManyPendingCallsException e)
                {
                    End(e, notify: true);
                    return;
                }

                _admitted = true;
                _giveUp = new CancellationTokenSource();
                _pending = client._watches.Begin(target, _giveUp);
                client._replies.ExpectStream(callId, this);
                _ending = _giveUp.Token.Register(static state => ((ObservedStream<T>)state!).GiveUp(), this);
                if (_ended)
                {
                    return;
                }

                if (deadline != Timeout.InfiniteTimeSpan)
                {
                    _giveUp.CancelAfter(deadline);
                }

                target.Tell(request, client._replies);
            }
        }

        public override void Push(object? value)
        {
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                try
                {
                    observer.OnNext(value is T typed and not UnreadablePayload ? typed : Expect<T>(value, describe));
                }
                catch (Exception e)
                {
                    // A value of the wrong type ends the stream with the error, as reading it would.
                    End(e, notify: true);
                }
            }
        }

        public override void Complete(Exception? error)
        {
            lock (_gate)
            {
                End(error, notify: true);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                End(null, notify: false);
            }
        }

        private void GiveUp() => Complete(_pending!.Terminated.IsCompleted
            ? new TargetTerminatedException(describe.Name, describe.Node, _pending.Terminated.Result)
            : new TimeoutException(
                $"The stream from '{describe.Name}' on {describe.Node} did not complete within its deadline of {CallTarget.Format(deadline)} (wall time)."));

        private void End(Exception? error, bool notify)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            if (_admitted)
            {
                client._replies.Forget(callId);
                CallWatches.End(_pending!);
                _ending.Unregister();
                _giveUp!.Dispose();
                Interlocked.Decrement(ref client._pending);
            }

            if (!notify)
            {
                return;
            }

            try
            {
                if (error is null)
                {
                    observer.OnCompleted();
                }
                else
                {
                    observer.OnError(error);
                }
            }
            catch (Exception e)
            {
                // The ending runs on remoting's thread or a timer's: an observer that throws must not break either.
                client._system.Log.Error(e, "A stream observer threw {0} at the end of the stream from '{1}': {2}", e.GetType().Name, describe.Name, e.Message);
            }
        }
    }

    private sealed class Provider : ExtensionIdProvider<CallClient>
    {
        public override CallClient CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
