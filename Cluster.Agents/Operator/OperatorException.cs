namespace Cluster.Agents.Operator;

/// <summary>An operator verb could not do its work: no seed answered, the node refused the request, or the target failed.</summary>
public sealed class OperatorException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, naming the node or target.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public OperatorException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Gets whether the node refused the request as bad input (the verb exits 2), rather than failing to do it (exit 1).</summary>
    public bool BadInput { get; init; }
}
