using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// The answering side of one <see cref="CallRequest"/>: where its answer goes and in whose name. Get it
/// with <see cref="CallResponder.Accept"/> inside the actor's receive; its methods may then be called from
/// any thread, later (a command that finishes after a while, a stream that pushes values over time).
/// </summary>
public sealed class IncomingCall
{
    private readonly ActorSystem _system;
    private readonly IActorRef _replyTo;
    private readonly WireCheck _wire;

    internal IncomingCall(ActorSystem system, IActorRef replyTo, CallRequest request, string originName, Address node, WireCheck wire)
    {
        _system = system;
        _replyTo = replyTo;
        _wire = wire;
        CallId = request.CallId;
        Payload = request.Payload;
        OriginName = originName;
        Node = node;
    }

    /// <summary>Gets the caller's number for the call; 0 for a one-way send.</summary>
    public long CallId { get; }

    /// <summary>Gets what is asked.</summary>
    public object Payload { get; }

    /// <summary>Gets a value indicating whether the caller waits for an answer (false for a one-way send).</summary>
    public bool ExpectsReply => CallId != 0;

    /// <summary>Gets the name that errors give as their origin, e.g. <c>drive</c>.</summary>
    public string OriginName { get; }

    /// <summary>Gets the address of the answering node.</summary>
    public Address Node { get; }

    /// <summary>Answers with <paramref name="value"/>; a value that cannot reach a remote caller is answered with an error instead.</summary>
    /// <param name="value">The answer.</param>
    public void Reply(object? value) => Send(new CallReply(CallId, value), value, "reply");

    /// <summary>Answers with an error built from <paramref name="exception"/>; the caller gets a <see cref="RemoteException"/>.</summary>
    /// <param name="exception">What went wrong.</param>
    public void Fail(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (ExpectsReply)
        {
            _replyTo.Tell(new CallFailed(CallId, CallResponder.ToRemoteError(exception, OriginName, Node)));
        }
        else
        {
            _system.Log.Warning(exception, "{0} failed to handle a one-way {1}: {2}", OriginName, Payload.GetType().Name, exception.Message);
        }
    }

    /// <summary>Answers with a <see cref="System.Runtime.Serialization.SerializationException"/> when the payload could not be read on this node.</summary>
    /// <returns>True if the call was refused, so the handler must not run.</returns>
    public bool RefuseIfUnreadable()
    {
        if (Payload is not UnreadablePayload unreadable)
        {
            return false;
        }

        Fail(new System.Runtime.Serialization.SerializationException(unreadable.Reason));
        return true;
    }

    /// <summary>Sends one value of a stream of answers.</summary>
    /// <param name="value">The value.</param>
    public void Next(object? value) => Send(new StreamItem(CallId, value), value, "stream item");

    /// <summary>Ends the stream of answers.</summary>
    public void Complete()
    {
        if (ExpectsReply)
        {
            _replyTo.Tell(new StreamCompleted(CallId));
        }
    }

    /// <summary>
    /// Answers with every value of <paramref name="stream"/>, then the end of the stream; an exception it throws ends the
    /// stream with that error after the values already produced.
    /// </summary>
    /// <remarks>
    /// Values already at hand leave together in one <see cref="StreamItems"/>, the last of them with the end of the stream,
    /// so a short stream costs one message; a value is never held back waiting for the next one: when the stream has
    /// nothing more at once, what is held leaves before the wait.
    /// </remarks>
    /// <param name="stream">The values.</param>
    /// <param name="toWire">Turns each value into what is sent.</param>
    /// <param name="onCapturedContext">Whether to continue on the captured context after each wait (an actor's, to keep its mailbox held).</param>
    /// <param name="leaveAfterFirstBatch">
    /// Whether the caller's thread (an actor's) sends only the first batch, and the rest is read on the thread pool: a short
    /// stream then leaves without a hop to another thread, and a long one does not hold the actor.
    /// </param>
    /// <returns>A task that completes, never faulted, once the stream has ended.</returns>
    internal async Task SendStreamAsync(IAsyncEnumerable<object?> stream, Func<object?, object?> toWire, bool onCapturedContext, bool leaveAfterFirstBatch = false)
    {
        var batch = new Batch(this);
        try
        {
            var items = stream.GetAsyncEnumerator();
            try
            {
                while (true)
                {
                    var next = items.MoveNextAsync();
                    if (!next.IsCompleted)
                    {
                        batch.Flush(completed: false);
                        if (leaveAfterFirstBatch)
                        {
                            // Left before the wait, so no value that comes later is read on the caller's thread.
                            leaveAfterFirstBatch = false;
                            await default(ToThreadPool);
                        }
                    }

                    if (!await next.ConfigureAwait(onCapturedContext) || !batch.Add(toWire(items.Current)))
                    {
                        break;
                    }

                    if (leaveAfterFirstBatch && batch.Sent)
                    {
                        leaveAfterFirstBatch = false;
                        await default(ToThreadPool);
                    }
                }
            }
            finally
            {
                await items.DisposeAsync().ConfigureAwait(onCapturedContext);
            }
        }
        catch (Exception e)
        {
            batch.Flush(completed: false);
            Fail(e);
            return;
        }

        if (!batch.Failed)
        {
            batch.Flush(completed: true);
        }
    }

    private void Send(object message, object? value, string what)
    {
        if (!ExpectsReply)
        {
            return;
        }

        var prepared = _wire.Prepare(_replyTo, message, value, what, out var problem);
        if (problem is null)
        {
            _replyTo.Tell(prepared);
        }
        else
        {
            Fail(new ArgumentException(problem));
        }
    }

    // The values of a stream waiting to leave together; for a remote caller each is serialized (and checked) as it is added.
    private sealed class Batch(IncomingCall call)
    {
        private const int MaxCount = 256;
        private const long MaxBytes = 64 * 1024;

        private readonly bool _remote = !call._replyTo.Path.Address.HasLocalScope;
        private readonly List<object?> _values = [];
        private readonly List<byte[]?> _payloads = [];
        private long _bytes;

        public bool Failed { get; private set; }

        public bool Sent { get; private set; }

        // False when the value cannot reach the caller: the values before it are sent, then the error, and the stream stops.
        public bool Add(object? value)
        {
            if (!call.ExpectsReply)
            {
                return true;
            }

            byte[]? payload = null;
            if (_remote && value is not null)
            {
                payload = call._wire.Serialize(call._replyTo, value, "stream item", out var problem);
                if (payload is null)
                {
                    Flush(completed: false);
                    call.Fail(new ArgumentException(problem));
                    Failed = true;
                    return false;
                }

                // A batch stays well inside the frame remoting carries; each value alone was checked against it.
                if (_bytes + payload.Length > Math.Min(MaxBytes, call._wire.MaximumFrameSize / 2))
                {
                    Flush(completed: false);
                }

                _bytes += payload.Length;
            }

            _values.Add(value);
            _payloads.Add(payload);
            if (_values.Count == MaxCount)
            {
                Flush(completed: false);
            }

            return true;
        }

        public void Flush(bool completed)
        {
            if (!call.ExpectsReply || (_values.Count == 0 && !completed))
            {
                return;
            }

            if (_values.Count == 0)
            {
                call._replyTo.Tell(new StreamCompleted(call.CallId));
            }
            else if (_values.Count == 1 && !completed)
            {
                var item = new StreamItem(call.CallId, _values[0]);
                call._replyTo.Tell(_payloads[0] is { } payload ? new PreparedCallMessage(item, payload) : item);
            }
            else if (_remote)
            {
                call._replyTo.Tell(new PreparedStreamItems(call.CallId, [.. _payloads], completed));
            }
            else
            {
                call._replyTo.Tell(new StreamItems(call.CallId, [.. _values], completed));
            }

            Sent = true;
            _values.Clear();
            _payloads.Clear();
            _bytes = 0;
        }
    }

    // Moves the rest of a method to the thread pool, whatever the context it runs on.
    private readonly struct ToThreadPool : ICriticalNotifyCompletion
    {
        public bool IsCompleted => false;

        public ToThreadPool GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) => ThreadPool.QueueUserWorkItem(static run => run(), continuation, preferLocal: false);

        public void UnsafeOnCompleted(Action continuation) => ThreadPool.UnsafeQueueUserWorkItem(static run => run(), continuation, preferLocal: false);
    }
}
