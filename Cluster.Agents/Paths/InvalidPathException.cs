namespace Cluster.Agents.Paths;

/// <summary>Reports a path that is not of the form <c>/segment/segment</c> (letters, digits, <c>_</c>, <c>-</c>) (ESHET's <c>invalid_path</c>).</summary>
public sealed class InvalidPathException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "invalid_path";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public InvalidPathException(string path)
        : this(path, $"The path '{path}' is not valid: paths match ^(/[A-Za-z0-9_-]+)+$ (e.g. /rover/arm/home).")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public InvalidPathException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
