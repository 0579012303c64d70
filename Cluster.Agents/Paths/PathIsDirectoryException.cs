namespace Cluster.Agents.Paths;

/// <summary>Reports registering a path that already holds other paths under it (ESHET's <c>path_is_directory</c>).</summary>
public sealed class PathIsDirectoryException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "path_is_directory";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public PathIsDirectoryException(string path)
        : this(path, $"The path '{path}' is a directory: other paths are registered under it.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public PathIsDirectoryException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
