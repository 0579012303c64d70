namespace Cluster.Agents.Core.Calls;

/// <summary>
/// Thrown at the caller when the target of a call stopped, or its node left the cluster, before it answered.
/// </summary>
public sealed class TargetTerminatedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="targetName">The target's registered name, or its actor name.</param>
    /// <param name="targetNode">The address of the target's node.</param>
    /// <param name="existed">
    /// Whether the target was seen to stop; false when it was already gone when the call started watching it.
    /// </param>
    public TargetTerminatedException(string targetName, string targetNode, bool existed)
        : base(existed
            ? $"'{targetName}' on {targetNode} stopped (or its node left) before replying."
            : $"'{targetName}' on {targetNode} stopped (or its node left, or it never existed) before replying.")
    {
        TargetName = targetName;
        TargetNode = targetNode;
    }

    /// <summary>Gets the target's registered name, or its actor name.</summary>
    public string TargetName { get; }

    /// <summary>Gets the address of the target's node.</summary>
    public string TargetNode { get; }
}
