namespace Cluster.Agents.Paths;

/// <summary>Reports registering a path that another owner holds (ESHET's <c>path_already_exists</c>).</summary>
public sealed class PathAlreadyExistsException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "path_already_exists";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public PathAlreadyExistsException(string path)
        : this(path, $"The path '{path}' is already registered.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public PathAlreadyExistsException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
