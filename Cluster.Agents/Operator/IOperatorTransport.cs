using Cluster.Contracts.Commands;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>How a verb reaches a node: its local socket, or remoting for a node on another computer.</summary>
internal interface IOperatorTransport : IAsyncDisposable
{
    /// <summary>Gets the node as the verb names it, <c>host:port</c>.</summary>
    string Node { get; }

    Task<T> AskAsync<T>(object message, TimeSpan timeout);

    Task EchoAsync(string pattern, Action onStarted, Func<EchoedMessage, bool> onMessage, TimeSpan timeout, CancellationToken cancellationToken);

    Task WatchPathAsync(string path, bool isEvent, Action<string?> onStarted, Func<PathSeen, bool> onSeen, TimeSpan timeout, CancellationToken cancellationToken);

    Task<CommandStatus> RunCommandAsync(string actor, string commandString, TimeSpan? timeLimit, Func<string, Task> onReply, CancellationToken cancellationToken);
}
