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
}
