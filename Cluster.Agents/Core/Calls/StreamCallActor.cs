using System.Threading.Channels;
using Akka.Actor;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// The caller's side of one call with a stream of answers: sends the request, watches the target, and
/// writes what comes back into the channel the caller reads. Stops when the stream ends in any way, or
/// when the caller stops reading (the caller then stops it).
/// </summary>
internal sealed class StreamCallActor : ReceiveActor, IWithTimers
{
    private readonly IActorRef _target;
    private readonly long _callId;
    private readonly object _request;
    private readonly ChannelWriter<object?> _writer;
    private readonly TimeSpan _deadline;
    private readonly CallTarget _describe;

    public StreamCallActor(IActorRef target, long callId, object request, ChannelWriter<object?> writer, TimeSpan deadline, CallTarget describe)
    {
        _target = target;
        _callId = callId;
        _request = request;
        _writer = writer;
        _deadline = deadline;
        _describe = describe;

        Receive<StreamItem>(item => item.CallId == _callId, item => _writer.TryWrite(item.Value));
        Receive<StreamCompleted>(completed => completed.CallId == _callId, _ => Finish(null));
        Receive<CallReply>(reply => reply.CallId == _callId, reply =>
        {
            // A plain answer to a stream call is a stream of one.
            _writer.TryWrite(reply.Value);
            Finish(null);
        });
        Receive<CallFailed>(failed => failed.CallId == _callId, failed => Finish(new RemoteException(failed.Error)));
        Receive<Terminated>(terminated => terminated.ActorRef.Equals(_target), terminated =>
            Finish(new TargetTerminatedException(_describe.Name, _describe.Node, terminated.ExistenceConfirmed)));
        Receive<DeadlineReached>(_ => Finish(new TimeoutException(
            $"The stream from '{_describe.Name}' on {_describe.Node} did not complete within its deadline of {CallTarget.Format(_deadline)} (wall time).")));
        ReceiveAny(other => Finish(new InvalidOperationException(
            $"'{_describe.Name}' on {_describe.Node} answered a stream call with {other.GetType().FullName}; answer CallRequest through CallResponder.")));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // The request is the CallRequest numbered callId as prepared for the target (its payload maybe already serialized).
    public static Props Props(IActorRef target, long callId, object request, ChannelWriter<object?> writer, TimeSpan deadline, CallTarget describe) =>
        Akka.Actor.Props.Create(() => new StreamCallActor(target, callId, request, writer, deadline, describe));

    protected override void PreStart()
    {
        Context.Watch(_target);
        _target.Tell(_request, Self);
        if (_deadline != Timeout.InfiniteTimeSpan)
        {
            Timers.StartSingleTimer(nameof(DeadlineReached), DeadlineReached.Instance, _deadline);
        }
    }

    protected override void PostStop() => _writer.TryComplete();

    private void Finish(Exception? error)
    {
        _writer.TryComplete(error);
        Context.Stop(Self);
    }

    private sealed record DeadlineReached
    {
        public static readonly DeadlineReached Instance = new();

        private DeadlineReached()
        {
        }
    }
}
