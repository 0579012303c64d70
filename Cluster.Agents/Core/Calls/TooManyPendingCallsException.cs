namespace Cluster.Agents.Core.Calls;

/// <summary>
/// Thrown by a call when this node's callers already have as many calls waiting for an answer as
/// <c>cluster-node.calls.max-pending</c> allows; the call was not sent.
/// </summary>
public sealed class TooManyPendingCallsException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="target">The target of the refused call, as errors name it.</param>
    /// <param name="limit">The limit.</param>
    public TooManyPendingCallsException(string target, int limit)
        : base($"The call to {target} was not sent: this node already has {limit} calls waiting for an answer, the most cluster-node.calls.max-pending allows. Wait for answers before sending more, or raise the limit.")
    {
        Target = target;
        Limit = limit;
    }

    /// <summary>Gets the target of the refused call.</summary>
    public string Target { get; }

    /// <summary>Gets the limit that was reached.</summary>
    public int Limit { get; }
}
