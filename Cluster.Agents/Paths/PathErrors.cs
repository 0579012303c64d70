using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;

namespace Cluster.Agents.Paths;

// A remote owner's error arrives as the core's RemoteException; the caller sees the paths face's own exception again.
internal static class PathErrors
{
    private static readonly Dictionary<string, Func<string, string, Exception, PathException>> Remote = new(StringComparer.Ordinal)
    {
        [typeof(StateUnknownException).FullName!] = (path, message, inner) => new StateUnknownException(path, message, inner),
        [typeof(PathNotImplementedException).FullName!] = (path, message, inner) => new PathNotImplementedException(path, message, inner),
        [typeof(WrongTypeOfNodeException).FullName!] = (path, message, inner) => new WrongTypeOfNodeException(path, message, inner),
        [typeof(NotOwnerException).FullName!] = (path, message, inner) => new NotOwnerException(path, message, inner),
    };

    public static Exception Translate(Exception error, string path) => error switch
    {
        AggregateException aggregate when aggregate.InnerExceptions.Count == 1 => Translate(aggregate.InnerException!, path),
        UnknownNameException => new PathNotFoundException(path),
        TargetTerminatedException => new ClientExitedException(path, $"The owner of '{path}' exited before answering: {error.Message}", error),
        RemoteException remote when Remote.TryGetValue(remote.RemoteType, out var make) => make(path, remote.RemoteMessage, remote),
        _ => error,
    };
}
