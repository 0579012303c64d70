namespace Cluster.Agents.Paths;

/// <summary>Reports a call whose owner stopped, or whose owner's node left, before it answered (ESHET's <c>client_exited</c>).</summary>
public sealed class ClientExitedException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "client_exited";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public ClientExitedException(string path)
        : this(path, $"The owner of '{path}' exited before answering.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public ClientExitedException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
