namespace Cluster.Agents.Operator;

/// <summary>An operator verb could not do its work: the seed is unreachable or did not answer in time.</summary>
public sealed class OperatorException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, naming the endpoint.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public OperatorException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
