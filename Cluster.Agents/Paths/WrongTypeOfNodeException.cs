namespace Cluster.Agents.Paths;

/// <summary>Reports an operation of the wrong kind for the path (calling a state, getting an event) (ESHET's <c>wrong_type_of_node</c>).</summary>
public sealed class WrongTypeOfNodeException : PathException
{
    /// <summary>The ESHET name of this error.</summary>
    public const string Name = "wrong_type_of_node";

    /// <summary>Creates the error with the default message.</summary>
    /// <param name="path">The path concerned.</param>
    public WrongTypeOfNodeException(string path)
        : this(path, $"The path '{path}' is not of the kind this operation needs.")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="path">The path concerned.</param>
    /// <param name="message">What went wrong, naming the path.</param>
    /// <param name="inner">The cause, if any.</param>
    public WrongTypeOfNodeException(string path, string message, Exception? inner = null)
        : base(path, Name, message, inner)
    {
    }
}
