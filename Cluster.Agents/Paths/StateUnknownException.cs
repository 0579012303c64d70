namespace Cluster.Agents.Paths;

/// <summary>Reports getting the value of a state that is Unknown (ESHET's <c>state_unknown</c>).</summary>
public sealed class StateUnknownException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "state_unknown";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public StateUnknownException(string path)
        : this(path, $"The state '{path}' is unknown.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public StateUnknownException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
