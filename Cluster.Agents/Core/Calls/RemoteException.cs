using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// Thrown at the caller when the answering side of a call raised an exception: it carries where it was
/// raised, the remote exception's type and stack trace, and ends with the remote message.
/// </summary>
/// <remarks>
/// The message reads like
/// <code>
/// drive@akka.tcp://robot@10.0.0.2:4053 raised System.InvalidOperationException:
///    at Rover.Drive.Home() in /src/Rover/Drive.cs:line 42
///    ...
/// InvalidOperationException: the arm is not homed
/// </code>
/// The remote exception is not re-created at the caller: its type may not even exist there.
/// </remarks>
public sealed class RemoteException : Exception
{
    /// <summary>Creates the exception from the error the answering side sent.</summary>
    /// <param name="error">The remote error.</param>
    public RemoteException(RemoteError error)
        : base(Describe(error))
    {
        Error = error;
    }

    /// <summary>Gets the error as it crossed the wire.</summary>
    public RemoteError Error { get; }

    /// <summary>Gets the name of the actor that raised it, e.g. <c>drive</c>.</summary>
    public string OriginName => Error.OriginName;

    /// <summary>Gets the address of that actor's node.</summary>
    public string OriginNode => Error.OriginNode;

    /// <summary>Gets the full type name of the remote exception, e.g. <c>System.InvalidOperationException</c>.</summary>
    public string RemoteType => Error.ExceptionType;

    /// <summary>Gets the remote exception's message.</summary>
    public string RemoteMessage => Error.Message;

    /// <summary>Gets the remote stack trace, with inner exceptions.</summary>
    public string RemoteStackTrace => Error.RemoteStackTrace;

    private static string Describe(RemoteError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var type = error.ExceptionType ?? "?";
        var shortType = type[(type.LastIndexOfAny(['.', '+']) + 1)..];
        var trace = string.IsNullOrWhiteSpace(error.RemoteStackTrace) ? string.Empty : error.RemoteStackTrace.TrimEnd() + "\n";
        return $"{error.OriginName}@{error.OriginNode} raised {type}:\n{trace}{shortType}: {error.Message}";
    }
}
