namespace Cluster.Agents.Paths;

/// <summary>Reports registering a path under a path that is a leaf (ESHET's <c>not_a_directory</c>).</summary>
public sealed class NotADirectoryException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "not_a_directory";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public NotADirectoryException(string path)
        : this(path, $"The path '{path}' lies under a registered path, which cannot hold children.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public NotADirectoryException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
