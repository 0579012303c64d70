using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// Where the answers to this node's requests arrive: one actor reference for every request, which completes the
/// waiting call whose number the answer carries, on the thread that delivers it. Streams arrive here too, each
/// value handed to its call's <see cref="StreamCall"/> on that thread.
/// </summary>
/// <remarks>
/// Akka's Ask creates and registers an actor reference per call, and a node that answers resolves each new
/// reference's path before it can reply; this one is registered once, and the answering node's resolve cache keeps it.
/// An answer is matched by its call number, so it must be a <see cref="CallReply"/> or <see cref="CallFailed"/>;
/// anything else sent here is logged as dropped, naming its type and its sender.
/// </remarks>
internal sealed class CallReplies : MinimalActorRef
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<object>> _waiting = new();
    private readonly ConcurrentDictionary<long, StreamCall> _streams = new();
    private readonly ILoggingAdapter _log;

    public CallReplies(ExtendedActorSystem system)
    {
        Provider = system.Provider;
        Path = Provider.TempPath();
        _log = Logging.GetLogger(system, nameof(CallReplies));
        Provider.RegisterTempActor(this, Path);
    }

    /// <inheritdoc />
    public override ActorPath Path { get; }

    /// <inheritdoc />
    public override IActorRefProvider Provider { get; }

    /// <summary>Waits for the answer to call <paramref name="callId"/>; <see cref="Forget"/> it when the call ends.</summary>
    /// <param name="callId">The call's number.</param>
    /// <returns>A task that completes with the <see cref="CallReply"/> or <see cref="CallFailed"/>.</returns>
    public Task<object> Expect(long callId)
    {
        var answer = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[callId] = answer;
        return answer.Task;
    }

    /// <summary>
    /// Hands the answers to stream call <paramref name="callId"/> to <paramref name="call"/>, and completes it when the
    /// stream ends (with a <see cref="RemoteException"/> when it fails); <see cref="Forget"/> it when the call ends.
    /// </summary>
    /// <param name="callId">The call's number.</param>
    /// <param name="call">Where the values go, in the order they arrive.</param>
    public void ExpectStream(long callId, StreamCall call) => _streams[callId] = call;

    /// <summary>Stops waiting for call <paramref name="callId"/>: an answer that comes later is dropped.</summary>
    /// <param name="callId">The call's number.</param>
    public void Forget(long callId)
    {
        if (!_waiting.TryRemove(callId, out _))
        {
            _streams.TryRemove(callId, out _);
        }
    }

    /// <inheritdoc />
    protected override void TellInternal(object message, IActorRef sender)
    {
        var callId = message switch
        {
            CallReply reply => reply.CallId,
            CallFailed failed => failed.CallId,
            StreamItem item => item.CallId,
            StreamItems items => items.CallId,
            StreamCompleted completed => completed.CallId,
            _ => 0,
        };
        if (callId == 0)
        {
            _log.Warning(
                "Dropped an answer of type {0} from {1}: the answer to a call must be a CallReply or CallFailed; answer CallRequest through CallResponder.",
                message.GetType().FullName,
                sender);
        }
        else if (_streams.TryGetValue(callId, out var stream))
        {
            Deliver(callId, stream, message);
        }
        else if (_waiting.TryRemove(callId, out var answer))
        {
            if (message is StreamItem or StreamItems or StreamCompleted)
            {
                // A stream endpoint answered a plain request: the caller learns it at once instead of at its deadline.
                answer.TrySetException(new InvalidOperationException(
                    $"{sender?.Path.ToString() ?? "The target"} answered call {callId} with a stream: read it with CallClient.StreamAsync, not RequestAsync."));
                return;
            }

            answer.TrySetResult(message);
        }
    }

    // Messages of one call arrive here one at a time and in the order they were sent (one connection, or the sending thread).
    private void Deliver(long callId, StreamCall stream, object message)
    {
        switch (message)
        {
            case StreamItem item:
                stream.Push(item.Value);
                break;
            case StreamItems items:
                foreach (var value in items.Values)
                {
                    stream.Push(value);
                }

                if (items.Completed)
                {
                    _streams.TryRemove(callId, out _);
                    stream.Complete(null);
                }

                break;
            case StreamCompleted:
                _streams.TryRemove(callId, out _);
                stream.Complete(null);
                break;
            case CallReply reply:
                // A plain answer to a stream call is a stream of one.
                _streams.TryRemove(callId, out _);
                stream.Push(reply.Value);
                stream.Complete(null);
                break;
            case CallFailed failed:
                _streams.TryRemove(callId, out _);
                stream.Complete(new RemoteException(failed.Error));
                break;
        }
    }
}

/// <summary>The caller's side of one stream call, as <see cref="CallReplies"/> feeds it: values in order, then one ending.</summary>
internal abstract class StreamCall
{
    /// <summary>Takes the next value of the stream.</summary>
    /// <param name="value">The value as it arrived.</param>
    public abstract void Push(object? value);

    /// <summary>Ends the stream: normally when <paramref name="error"/> is null, else with that error. Only the first ending counts.</summary>
    /// <param name="error">Why the stream failed, or null.</param>
    public abstract void Complete(Exception? error);
}
