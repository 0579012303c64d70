namespace Cluster.Agents.Rpc;

/// <summary>
/// Raised by an agent when a call's path does not lead to an exposed method: an unknown segment
/// (<c>Name "x" not found in "a/b"</c>), a member that is not exposed (<c>"Type.Member" is not exposed</c>),
/// or an empty path. The caller receives it as a <see cref="Core.Calls.RemoteException"/>.
/// </summary>
public sealed class AgentLookupException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was not found.</param>
    public AgentLookupException(string message)
        : base(message)
    {
    }
}
