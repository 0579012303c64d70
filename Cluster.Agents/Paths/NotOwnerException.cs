namespace Cluster.Agents.Paths;

/// <summary>Reports changing or unknowning a state that the caller does not own (ESHET's <c>not_owner</c>).</summary>
public sealed class NotOwnerException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "not_owner";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public NotOwnerException(string path)
        : this(path, $"The path '{path}' is not owned by this client.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public NotOwnerException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
