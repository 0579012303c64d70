namespace Cluster.Contracts.Calls;

/// <summary>Asks an actor to answer <paramref name="Payload"/>; the sender is where the answer goes.</summary>
/// <param name="CallId">
/// The caller's number for this call, echoed in every answer; 0 for a one-way send that expects no answer.
/// </param>
/// <param name="Payload">What is asked; any type the serializer carries.</param>
public sealed record CallRequest(long CallId, object Payload) : IClusterMessage
{
    /// <summary>Gets a value indicating whether the caller waits for an answer.</summary>
    public bool ExpectsReply => CallId != 0;
}

/// <summary>The value that answers a <see cref="CallRequest"/>.</summary>
/// <param name="CallId">The request's <see cref="CallRequest.CallId"/>.</param>
/// <param name="Value">The answer; null is a valid answer.</param>
public sealed record CallReply(long CallId, object? Value) : IClusterMessage;

/// <summary>Tells the caller that its request failed on the answering side.</summary>
/// <param name="CallId">The request's <see cref="CallRequest.CallId"/>.</param>
/// <param name="Error">What was raised, where.</param>
public sealed record CallFailed(long CallId, RemoteError Error) : IClusterMessage;

/// <summary>One value of a stream of answers to a <see cref="CallRequest"/>.</summary>
/// <param name="CallId">The request's <see cref="CallRequest.CallId"/>.</param>
/// <param name="Value">The value; null is a valid value.</param>
public sealed record StreamItem(long CallId, object? Value) : IClusterMessage;

/// <summary>Ends a stream of answers to a <see cref="CallRequest"/>: no value follows.</summary>
/// <param name="CallId">The request's <see cref="CallRequest.CallId"/>.</param>
public sealed record StreamCompleted(long CallId) : IClusterMessage;

/// <summary>An exception raised by the answering side of a call, as text that any node can read.</summary>
/// <param name="OriginName">The name of the actor that raised it, e.g. <c>drive</c>.</param>
/// <param name="OriginNode">The address of that actor's node, e.g. <c>akka.tcp://robot@10.0.0.2:4053</c>.</param>
/// <param name="ExceptionType">The exception's full type name, e.g. <c>System.InvalidOperationException</c>.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="RemoteStackTrace">The stack trace, with inner exceptions, as <see cref="Exception.ToString"/> writes it after its first line.</param>
public sealed record RemoteError(
    string OriginName,
    string OriginNode,
    string ExceptionType,
    string Message,
    string RemoteStackTrace) : IClusterMessage;

/// <summary>
/// Several values of a stream of answers to a <see cref="CallRequest"/> in one message, in order, and when
/// <paramref name="Completed"/> also the end of the stream: the caller reads them as the same values sent one by one.
/// </summary>
/// <param name="CallId">The request's <see cref="CallRequest.CallId"/>.</param>
/// <param name="Values">The values, in the order they were produced; null is a valid value.</param>
/// <param name="Completed">Whether the stream ends after these values, as a <see cref="StreamCompleted"/> would end it.</param>
public sealed record StreamItems(long CallId, IReadOnlyList<object?> Values, bool Completed) : IClusterMessage;
