namespace Cluster.Agents.Paths;

/// <summary>The base of the paths face's errors: each names the path and carries ESHET's name for the error.</summary>
public abstract class PathException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="errorName">ESHET's name for the error, e.g. <c>path_not_found</c>.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    protected PathException(string path, string errorName, string message, Exception? inner)
        : base(message, inner)
    {
        Path = path;
        ErrorName = errorName;
    }

    /// <summary>Gets the path concerned.</summary>
    public string Path { get; }

    /// <summary>Gets ESHET's name for the error, e.g. <c>path_not_found</c>.</summary>
    public string ErrorName { get; }
}
