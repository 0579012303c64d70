using Akka.Actor;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// Answers <see cref="CallRequest"/>s inside an actor: runs a handler, sends its value back, or, when it
/// throws, sends the exception as a <see cref="RemoteError"/>. The actor is not disturbed by a handler
/// that throws: the exception never reaches its supervisor, so it keeps serving.
/// </summary>
/// <example>
/// <code>
/// Receive&lt;CallRequest&gt;(request => CallResponder.Respond(Context, request, payload => payload switch
/// {
///     GetSpeed => _speed,
///     _ => throw new NotSupportedException($"drive does not answer {payload.GetType().Name}"),
/// }));
/// </code>
/// </example>
public static class CallResponder
{
    /// <summary>Takes the answering side of <paramref name="request"/>; call it in the receive, where <c>Sender</c> is the caller.</summary>
    /// <param name="context">The answering actor's context.</param>
    /// <param name="request">The request.</param>
    /// <param name="originName">The name errors give as their origin; defaults to the actor's name.</param>
    /// <returns>The call, to answer now or later.</returns>
    public static IncomingCall Accept(IActorContext context, CallRequest request, string? originName = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var client = CallClient.Get(context.System);
        return new IncomingCall(context.System, context.Sender, request, originName ?? context.Self.Path.Name, client.Node, client.Wire);
    }

    /// <summary>Answers <paramref name="request"/> with what <paramref name="handler"/> returns, or with the exception it throws.</summary>
    /// <param name="context">The answering actor's context.</param>
    /// <param name="request">The request.</param>
    /// <param name="handler">Computes the answer from the payload.</param>
    /// <param name="originName">The name errors give as their origin; defaults to the actor's name.</param>
    public static void Respond(IActorContext context, CallRequest request, Func<object, object?> handler, string? originName = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (AcceptReadable(context, request, originName) is not { } call)
        {
            return;
        }

        object? value;
        try
        {
            value = handler(call.Payload);
        }
        catch (Exception e)
        {
            call.Fail(e);
            return;
        }

        if (value is Task)
        {
            call.Fail(new InvalidOperationException($"The handler of {call.Payload.GetType().Name} returned a Task; answer it with CallResponder.RespondAsync."));
            return;
        }

        call.Reply(value);
    }

    /// <summary>Answers <paramref name="request"/> with what <paramref name="handler"/> completes with, or with the exception it throws.</summary>
    /// <param name="context">The answering actor's context; read before the handler runs, never after.</param>
    /// <param name="request">The request.</param>
    /// <param name="handler">Computes the answer from the payload.</param>
    /// <param name="originName">The name errors give as their origin; defaults to the actor's name.</param>
    /// <returns>A task that completes, never faulted, once the answer is sent. Return it from <c>ReceiveAsync</c> to keep the actor's one-message-at-a-time guarantee.</returns>
    public static async Task RespondAsync(IActorContext context, CallRequest request, Func<object, Task<object?>> handler, string? originName = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (AcceptReadable(context, request, originName) is not { } call)
        {
            return;
        }

        object? value;
        try
        {
            value = await handler(call.Payload).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            call.Fail(e);
            return;
        }

        call.Reply(value);
    }

    /// <summary>
    /// Answers <paramref name="request"/> with a stream: every value <paramref name="handler"/> yields, then the
    /// end of the stream; an exception it throws, even after some values, ends the stream with that error.
    /// </summary>
    /// <param name="context">The answering actor's context; read before the handler runs, never after.</param>
    /// <param name="request">The request.</param>
    /// <param name="handler">Produces the values from the payload.</param>
    /// <param name="originName">The name errors give as their origin; defaults to the actor's name.</param>
    /// <returns>A task that completes, never faulted, once the stream has ended.</returns>
    public static async Task RespondStreamAsync(IActorContext context, CallRequest request, Func<object, IAsyncEnumerable<object?>> handler, string? originName = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (AcceptReadable(context, request, originName) is not { } call)
        {
            return;
        }

        IAsyncEnumerable<object?> values;
        try
        {
            values = handler(call.Payload);
        }
        catch (Exception e)
        {
            call.Fail(e);
            return;
        }

        await call.SendStreamAsync(values, value => value, onCapturedContext: false).ConfigureAwait(false);
    }

    // The handlers never see a payload this node could not read: the call is answered with the error instead.
    private static IncomingCall? AcceptReadable(IActorContext context, CallRequest request, string? originName)
    {
        var call = Accept(context, request, originName);
        return call.RefuseIfUnreadable() ? null : call;
    }

    /// <summary>Describes <paramref name="exception"/> as the error a caller receives.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="originName">The name of the actor that raised it.</param>
    /// <param name="node">The address of its node.</param>
    /// <returns>The error: full type name, message, and the stack trace with inner exceptions.</returns>
    public static RemoteError ToRemoteError(Exception exception, string originName, Address node)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(node);
        var type = exception.GetType().FullName ?? exception.GetType().Name;
        return new RemoteError(originName, node.ToString(), type, exception.Message, StackTraceOf(exception));
    }

    // Exception.ToString() starts with "Type: Message"; the rest (inner exceptions and stack trace) is the trace.
    private static string StackTraceOf(Exception exception)
    {
        var text = exception.ToString();
        var header = exception.Message.Length == 0 ? exception.GetType().ToString() : $"{exception.GetType()}: {exception.Message}";
        if (text.StartsWith(header, StringComparison.Ordinal))
        {
            text = text[header.Length..];
        }

        return text.TrimStart('\r', '\n');
    }
}
