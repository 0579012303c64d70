using System.Text.Json.Nodes;
using System.Threading.Channels;
using Cluster.Contracts.Commands;

namespace Cluster.Agents.Commands;

/// <summary>
/// A command sent to an actor, as its commander holds it: await it for the final status, read its replies as they arrive,
/// cancel it. The replies are kept (<see cref="Replies"/>) whether or not anyone reads them as a stream.
/// </summary>
public sealed class CommandHandle
{
    private readonly object _gate = new();
    private readonly List<CommandReply> _replies = [];
    private readonly Channel<CommandReply> _stream = Channel.CreateUnbounded<CommandReply>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource<CommandStatus> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<Task>? _cancel;
    private CommandStatus _status = CommandStatus.Ready;

    internal CommandHandle(string actor, string commandString, string commanderId, long commandId, Func<Task>? cancel)
    {
        Actor = actor;
        CommandString = commandString;
        CommanderId = commanderId;
        CommandId = commandId;
        _cancel = cancel;
    }

    /// <summary>Gets the commanded actor's name.</summary>
    public string Actor { get; }

    /// <summary>Gets the command string sent.</summary>
    public string CommandString { get; }

    /// <summary>Gets the commander's id.</summary>
    public string CommanderId { get; }

    /// <summary>Gets the command's number.</summary>
    public long CommandId { get; }

    /// <summary>Gets the status as the replies so far tell it.</summary>
    public CommandStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>Gets the replies received so far, in order.</summary>
    public IReadOnlyList<CommandReply> Replies
    {
        get
        {
            lock (_gate)
            {
                return [.. _replies];
            }
        }
    }

    /// <summary>Gets a task that completes with the final status: Done, Failed, Cancelled or TimedOut.</summary>
    public Task<CommandStatus> Completion => _completion.Task;

    /// <summary>Gets an awaiter for <see cref="Completion"/>, so <c>await handle</c> gives the final status.</summary>
    /// <returns>The awaiter.</returns>
    public System.Runtime.CompilerServices.TaskAwaiter<CommandStatus> GetAwaiter() => Completion.GetAwaiter();

    /// <summary>Reads the replies as they arrive, from the first, until the command ends; one reader at a time.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The replies.</returns>
    public IAsyncEnumerable<CommandReply> ReadRepliesAsync(CancellationToken cancellationToken = default) => _stream.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Gets the value of <paramref name="keyword"/> in the first reply that has it.</summary>
    /// <param name="keyword">The keyword.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">No reply so far has the keyword.</exception>
    public JsonNode? Get(string keyword)
    {
        foreach (var reply in Replies)
        {
            if (Keywords.Parse(reply.Data).TryGetPropertyValue(keyword, out var value))
            {
                return value;
            }
        }

        throw new KeyNotFoundException($"Keyword {keyword} not found.");
    }

    /// <summary>Asks the actor to cancel the command: it goes Cancelling, then Cancelled once its handler stops.</summary>
    /// <returns>A task that completes once the request is sent.</returns>
    public Task CancelAsync() => _cancel?.Invoke() ?? Task.CompletedTask;

    internal void Add(CommandReply reply)
    {
        lock (_gate)
        {
            _replies.Add(reply);
            if (reply.Status != CommandStatus.None && reply.CommandId == CommandId)
            {
                _status = reply.Status;
            }
        }

        _stream.Writer.TryWrite(reply);
    }

    internal void End(CommandStatus? fallback)
    {
        CommandStatus status;
        lock (_gate)
        {
            if (!_status.IsDone())
            {
                _status = fallback ?? CommandStatus.Failed;
            }

            status = _status;
        }

        _stream.Writer.TryComplete();
        _completion.TrySetResult(status);
    }
}
