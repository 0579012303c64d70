namespace Cluster.Agents.Paths;

/// <summary>Reports setting a state whose owner registered no setter (ESHET's <c>not_implemented</c>).</summary>
public sealed class PathNotImplementedException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "not_implemented";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public PathNotImplementedException(string path)
        : this(path, $"The state '{path}' cannot be set: its owner registered no setter.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public PathNotImplementedException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
