namespace Cluster.Agents.Rpc;

/// <summary>Thrown when an agent address names no agent: its container answers that it does not exist, or no such container or node is known.</summary>
public sealed class AgentNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="address">The address that names no agent.</param>
    /// <param name="message">What was found instead.</param>
    public AgentNotFoundException(AgentAddress address, string message)
        : base(message)
    {
        Address = address;
    }

    /// <summary>Gets the address that names no agent.</summary>
    public AgentAddress Address { get; }
}
