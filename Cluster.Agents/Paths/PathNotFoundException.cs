namespace Cluster.Agents.Paths;

/// <summary>Reports an operation on a path that nobody owns (ESHET's <c>path_not_found</c>).</summary>
public sealed class PathNotFoundException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "path_not_found";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public PathNotFoundException(string path)
        : this(path, $"No owner holds the path '{path}' in this cluster.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public PathNotFoundException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
