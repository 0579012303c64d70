using System.Text.Json.Nodes;
using Cluster.Agents.Core.Clocks;
using Cluster.Contracts.Commands;

namespace Cluster.Agents.Commands;

/// <summary>
/// A command running on a <see cref="CommandActor"/>: its identity, its status and the writers that send its replies
/// (clu's <c>Command</c>). A handler receives it, writes keyword replies with <see cref="Info"/>, <see cref="Warning"/> and the
/// others, and ends it with <see cref="Finish"/> or <see cref="Fail"/>.
/// </summary>
/// <remarks>
/// <para>Thread-safe: handlers run side by side on the thread pool, and a cancel or a time limit may change the status
/// while a handler writes. Replies of one command leave in the order they were written; its final reply is its last.</para>
/// <para>Setting a status on a finished command logs a warning and changes nothing (a time limit that fires late is ignored
/// without a warning).</para>
/// </remarks>
public sealed class Command
{
    private readonly object _gate = new();
    private readonly CommandRunner _runner;
    private readonly IReplyOutlet? _outlet;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TaskCompletionSource<CommandStatus> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(CommandStatus Wanted, TaskCompletionSource<CommandStatus> Done)> _waiters = [];
    private readonly List<Action<CommandStatus>> _callbacks = [];
    private IClockTimer? _timeLimit;
    private CommandStatus _status = CommandStatus.Ready;

    internal Command(CommandRunner runner, string body, string? commanderId, long id, Command? parent, IReplyOutlet? outlet, bool silent, bool isInternal)
    {
        _runner = runner;
        _outlet = outlet;
        Body = body;
        CommanderId = commanderId;
        Id = id;
        Parent = parent;
        Silent = silent || (parent?.Silent ?? false);
        Internal = isInternal || (parent?.Internal ?? false);
    }

    /// <summary>Gets the commander's number for the command; a child command's replies carry its parent's.</summary>
    public long Id { get; }

    /// <summary>Gets who commands: a cluster client's id, a TCP connection's id, <c>.&lt;actor&gt;</c> for a timed command; null for none.</summary>
    public string? CommanderId { get; }

    /// <summary>Gets the command string as received, e.g. <c>expose --time 3.5</c>.</summary>
    public string Body { get; }

    /// <summary>Gets the name of the actor that runs the command.</summary>
    public string Actor => _runner.Name;

    /// <summary>Gets the command that started this one as its child, or null.</summary>
    public Command? Parent { get; }

    /// <summary>Gets a value indicating whether the command's replies update the actor's store but reach no one.</summary>
    public bool Silent { get; }

    /// <summary>Gets a value indicating whether the command's replies are marked internal.</summary>
    public bool Internal { get; }

    /// <summary>Gets the command's status.</summary>
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

    /// <summary>Gets a token cancelled when the command is asked to cancel or times out; handlers pass it to their work.</summary>
    public CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Gets a task that completes with the final status once the command has ended.</summary>
    public Task<CommandStatus> Completion => _completion.Task;

    /// <summary>Gets the actor's clock, which time limits and timed commands follow.</summary>
    public Clock Clock => _runner.Clock;

    internal IReplyOutlet? Outlet => Parent?.Outlet ?? _outlet;

    /// <summary>Writes a debug reply (<c>d</c>).</summary>
    /// <param name="message">A string (keyword <c>text</c>), a dictionary of keywords, or null.</param>
    /// <param name="broadcast">Whether every listener of the actor hears it, not only the commander.</param>
    public void Debug(object? message = null, bool broadcast = false) => Write(MessageCodes.Debug, message, broadcast);

    /// <summary>Writes an informational reply (<c>i</c>).</summary>
    /// <param name="message">A string (keyword <c>text</c>), a dictionary of keywords, or null.</param>
    /// <param name="broadcast">Whether every listener of the actor hears it.</param>
    public void Info(object? message = null, bool broadcast = false) => Write(MessageCodes.Info, message, broadcast);

    /// <summary>Writes a warning (<c>w</c>).</summary>
    /// <param name="message">A string (keyword <c>text</c>), a dictionary of keywords, or null.</param>
    /// <param name="broadcast">Whether every listener of the actor hears it.</param>
    public void Warning(object? message = null, bool broadcast = false) => Write(MessageCodes.Warning, message, broadcast);

    /// <summary>Writes an error that does not end the command (<c>e</c>).</summary>
    /// <param name="message">A string (keyword <c>error</c>), a dictionary of keywords, or null.</param>
    /// <param name="broadcast">Whether every listener of the actor hears it.</param>
    public void Error(object? message = null, bool broadcast = false) => Write(MessageCodes.Error, message, broadcast);

    /// <summary>Ends the command successfully (<c>:</c>).</summary>
    /// <param name="message">A string (keyword <c>text</c>), a dictionary of keywords, or null.</param>
    /// <returns>This command.</returns>
    public Command Finish(object? message = null)
    {
        SetStatus(CommandStatus.Done, message);
        return this;
    }

    /// <summary>Ends the command as failed (<c>f</c>).</summary>
    /// <param name="message">A string (keyword <c>error</c>), a dictionary of keywords, or null.</param>
    /// <returns>This command.</returns>
    public Command Fail(object? message = null)
    {
        SetStatus(CommandStatus.Failed, message);
        return this;
    }

    /// <summary>Writes a reply with <paramref name="code"/> and the keywords of <paramref name="message"/>.</summary>
    /// <param name="code">One of <c>d i w e f ! : &gt;</c>; writing <c>:</c> or <c>f</c> does not change the status (use <see cref="SetStatus(CommandStatus, object?, bool)"/>).</param>
    /// <param name="message">A string (keyword <c>text</c>, or <c>error</c> for codes <c>e</c> and <c>f</c>), an exception (keyword <c>error</c>), a dictionary of keywords, or null.</param>
    /// <param name="broadcast">Whether every listener of the actor hears it, not only the commander.</param>
    /// <exception cref="ArgumentException">The code is not one of clu's, or the message is neither a string nor a dictionary.</exception>
    public void Write(char code, object? message = null, bool broadcast = false)
    {
        if (!MessageCodes.IsValid(code))
        {
            throw new ArgumentException($"'{code}' is not a message code; the codes are d i w e f ! : >.", nameof(code));
        }

        var keywords = Keywords.From(message, code);
        lock (_gate)
        {
            Emit(code, keywords, broadcast, Internal);
        }
    }

    /// <summary>Sets the status by name, ignoring case (<c>"done"</c>, <c>"Failed"</c>).</summary>
    /// <param name="status">The status's name.</param>
    /// <param name="message">The keywords of the reply that announces it.</param>
    /// <returns>True if the status changed.</returns>
    /// <exception cref="ArgumentException">The name is not a status.</exception>
    public bool SetStatus(string status, object? message = null) => SetStatus(CommandStatuses.Parse(status), message);

    /// <summary>Sets the status and writes the reply that announces it (its code, e.g. <c>:</c> for Done), unless <paramref name="silent"/>.</summary>
    /// <param name="status">A single status, not a group.</param>
    /// <param name="message">A string (keyword <c>text</c>, or <c>error</c> for a failing code), a dictionary, or null.</param>
    /// <param name="silent">Changes the status without a reply.</param>
    /// <returns>True if the status changed; false if it was already <paramref name="status"/> or the command had ended.</returns>
    /// <exception cref="ArgumentException">The status is a group or none, or the message is neither a string nor a dictionary.</exception>
    public bool SetStatus(CommandStatus status, object? message = null, bool silent = false) => SetStatus(status, message, silent, Internal);

    /// <summary>Calls <paramref name="callback"/> with each new status, in order, until disposed.</summary>
    /// <param name="callback">The callback; it runs on the thread that changed the status and must not block.</param>
    /// <returns>Disposing it removes the callback.</returns>
    public IDisposable OnStatusChanged(Action<CommandStatus> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            _callbacks.Add(callback);
        }

        return new Unsubscriber(() =>
        {
            lock (_gate)
            {
                _callbacks.Remove(callback);
            }
        });
    }

    /// <summary>Waits until the status is one of <paramref name="statuses"/> (a flag or a group such as <see cref="CommandStatus.DoneStates"/>).</summary>
    /// <param name="statuses">The statuses to wait for.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The status reached.</returns>
    public Task<CommandStatus> WaitForStatusAsync(CommandStatus statuses, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if ((_status & statuses) != 0)
            {
                return Task.FromResult(_status);
            }

            var done = new TaskCompletionSource<CommandStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((statuses, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs another of the actor's commands as part of this one (clu's <c>child_command</c>): its replies go to this command's commander, its <c>&gt;</c> is dropped, its <c>:</c> becomes <c>i</c> (dropped when empty) and its <c>f</c> becomes <c>e</c>.</summary>
    /// <param name="commandString">The child's command string, e.g. <c>status</c>.</param>
    /// <returns>The child once it has ended.</returns>
    public async Task<Command> RunChildAsync(string commandString)
    {
        var child = _runner.StartChild(this, commandString);
        await child.Completion.ConfigureAwait(false);
        return child;
    }

    /// <inheritdoc />
    public override string ToString() => $"<Command (commander_id='{CommanderId}', command_id={Id}, body='{Body}')>";

    internal void StartTimeLimit(TimeSpan limit) =>
        _timeLimit = Clock.CallIn(limit, () => SetStatus(CommandStatus.TimedOut, $"Command '{Body}' timed out after {limit.TotalSeconds} s."));

    internal void Cancel()
    {
        if (SetStatus(CommandStatus.Cancelling, null))
        {
            _cancellation.Cancel();
        }
    }

    internal bool SetStatus(CommandStatus status, object? message, bool silent, bool isInternal)
    {
        if (status == CommandStatus.None || (status & (status - 1)) != 0 || status > CommandStatus.Debug)
        {
            throw new ArgumentException($"{status} is not a valid command status: give one status, not a group.", nameof(status));
        }

        List<Action<CommandStatus>> callbacks;
        List<TaskCompletionSource<CommandStatus>> reached = [];
        lock (_gate)
        {
            if (_status.IsDone())
            {
                if (status != CommandStatus.TimedOut)
                {
                    _runner.Warn($"'{Body}': cannot set the status of a command that ended {_status} to {status}.");
                }

                return false;
            }

            if (status == _status)
            {
                return false;
            }

            var code = status.Code();
            var keywords = Keywords.From(message, code);
            _status = status;
            if (!silent)
            {
                Emit(code, keywords, broadcast: false, isInternal);
            }

            callbacks = [.. _callbacks];
            _waiters.RemoveAll(w =>
            {
                if ((w.Wanted & status) == 0)
                {
                    return false;
                }

                reached.Add(w.Done);
                return true;
            });
        }

        foreach (var callback in callbacks)
        {
            try
            {
                callback(status);
            }
            catch (Exception e)
            {
                _runner.Warn($"'{Body}': a status callback threw {e.GetType().Name}: {e.Message}");
            }
        }

        foreach (var waiter in reached)
        {
            waiter.TrySetResult(status);
        }

        if (status.IsDone())
        {
            _timeLimit?.Cancel();
            if (status is CommandStatus.TimedOut or CommandStatus.Failed)
            {
                _cancellation.Cancel();
            }

            if (Parent is null)
            {
                _runner.Ended(this);
                _outlet?.Complete();
            }

            _completion.TrySetResult(status);
        }

        return true;
    }

    // Called under the gate, so one command's replies leave in order.
    private void Emit(char code, JsonObject keywords, bool broadcast, bool isInternal)
    {
        var target = this;
        if (Parent is not null)
        {
            switch (code)
            {
                case MessageCodes.Running:
                    return;
                case MessageCodes.Done:
                    if (keywords.Count == 0)
                    {
                        return;
                    }

                    code = MessageCodes.Info;
                    break;
                case MessageCodes.Failed:
                    code = MessageCodes.Error;
                    break;
            }

            target = Parent;
            while (target.Parent is not null)
            {
                target = target.Parent;
            }
        }

        var status = ReferenceEquals(target, this) ? _status : target.Status;
        _runner.Emit(target, code, keywords, broadcast, isInternal, Silent, status);
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
