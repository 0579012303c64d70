using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Akka.Event;
using Cluster.Agents.Core.Clocks;
using Cluster.Contracts.Commands;
using Cli = System.CommandLine;

namespace Cluster.Agents.Commands;

/// <summary>The thread-safe side of a command actor: parses and runs commands, and sends their replies.</summary>
internal sealed class CommandRunner
{
    private readonly object _parseGate = new();
    private readonly Dictionary<Cli.Command, CommandHandler> _handlers = [];
    private readonly ConcurrentDictionary<(string Commander, long Id), Command> _running = new();
    private readonly ILoggingAdapter _log;

    public CommandRunner(string name, Clock clock, ILoggingAdapter log, Action<CommandReply> broadcast)
    {
        Name = name;
        Clock = clock;
        _log = log;
        BroadcastTo = broadcast;
        Root = new Cli.Command(name);
    }

    public string Name { get; }

    public Clock Clock { get; }

    public Cli.Command Root { get; }

    public ActorSchema? Schema { get; set; }

    public bool Validate { get; set; } = true;

    public KeywordStore? Store { get; set; }

    public string Version { get; set; } = "unknown";

    private Action<CommandReply> BroadcastTo { get; }

    public void Add(Cli.Command definition, CommandHandler handler, Cli.Command? parent)
    {
        (parent ?? Root).Subcommands.Add(definition);
        _handlers[definition] = handler;
    }

    public void Warn(string message) => _log.Warning(message);

    /// <summary>Starts a command from a commander; replies go to <paramref name="outlet"/>.</summary>
    public Command? Start(string commandString, string? commanderId, long id, IReplyOutlet? outlet, TimeSpan? timeLimit = null, bool silent = false)
    {
        var body = commandString.Trim();
        string[] words;
        try
        {
            words = CommandTokenizer.Split(body);
        }
        catch (FormatException e)
        {
            // clu answers a command it cannot build without a status of its own: one f, and the commander's stream ends.
            var error = new JsonObject { ["error"] = $"Could not parse the following as a command: '{Name} {body}': {e.Message}" };
            Send(new CommandReply(id, commanderId, MessageCodes.Failed, Name, false, error.ToJsonString(Keywords.JsonOptions), CommandStatus.Failed, false, Clock.UtcNow), outlet, false);
            outlet?.Complete();
            return null;
        }

        var command = new Command(this, body, commanderId, id, null, outlet, silent, isInternal: false);
        if (commanderId is not null)
        {
            _running[(commanderId, id)] = command;
        }

        if (timeLimit is { } limit)
        {
            command.StartTimeLimit(limit);
        }

        Dispatch(command, words);
        return command;
    }

    public Command StartChild(Command parent, string commandString)
    {
        var body = commandString.Trim();
        var child = new Command(this, body, Name, parent.Id, parent, null, silent: false, isInternal: false);
        string[] words;
        try
        {
            words = CommandTokenizer.Split(body);
        }
        catch (FormatException e)
        {
            child.Fail($"Could not parse the following as a command: '{Name} {body}': {e.Message}");
            return child;
        }

        Dispatch(child, words);
        return child;
    }

    /// <summary>Forgets a command that has ended, so it can no longer be cancelled; called by the command itself.</summary>
    public void Ended(Command command)
    {
        // Only a top-level command from a commander is in the table; a child shares its parent's key and must not remove it.
        if (command.Parent is null && command.CommanderId is { } commanderId)
        {
            _running.TryRemove(new KeyValuePair<(string, long), Command>((commanderId, command.Id), command));
        }
    }

    public bool Cancel(string commanderId, long id)
    {
        if (!_running.TryGetValue((commanderId, id), out var command))
        {
            return false;
        }

        command.Cancel();
        return true;
    }

    /// <summary>Sends one reply of <paramref name="target"/>: validated, stored, then to its commander or to everyone.</summary>
    public void Emit(Command target, char code, JsonObject keywords, bool broadcast, bool isInternal, bool silent, CommandStatus status)
    {
        if (Validate && Schema is not null && Schema.Validate(keywords) is { } problem)
        {
            code = MessageCodes.Error;
            keywords = new JsonObject { ["error"] = $"Failed validating the reply: {problem}" };
        }

        var now = Clock.UtcNow;
        Store?.Add(code, keywords, now);
        if (silent)
        {
            return;
        }

        var outlet = target.Outlet;
        var reply = new CommandReply(target.Id, target.CommanderId, code, Name, isInternal, keywords.ToJsonString(Keywords.JsonOptions), status, broadcast || outlet is null, now);
        Send(reply, outlet, reply.Broadcast);
    }

    /// <summary>Writes a reply that belongs to no command, to every listener.</summary>
    public void Broadcast(char code, object? message)
    {
        var keywords = Keywords.From(message, code);
        if (Validate && Schema is not null && Schema.Validate(keywords) is { } problem)
        {
            code = MessageCodes.Error;
            keywords = new JsonObject { ["error"] = $"Failed validating the reply: {problem}" };
        }

        var now = Clock.UtcNow;
        Store?.Add(code, keywords, now);
        BroadcastTo(new CommandReply(0, null, code, Name, false, keywords.ToJsonString(Keywords.JsonOptions), CommandStatus.None, true, now));
    }

    private void Send(CommandReply reply, IReplyOutlet? outlet, bool broadcast)
    {
        if (broadcast)
        {
            BroadcastTo(reply);
            if (outlet is { HearsBroadcasts: false })
            {
                outlet.Write(reply);
            }

            return;
        }

        outlet?.Write(reply);
    }

    private void Dispatch(Command command, string[] words)
    {
        if (words.Length == 0)
        {
            command.Finish();
            return;
        }

        command.SetStatus(CommandStatus.Running, null, silent: false, isInternal: true);

        // As clu does: "expose --help" asks for the help of expose.
        if (words.Contains("--help"))
        {
            words = ["help", .. words.Where(w => w != "--help")];
        }

        Cli.ParseResult parse;
        CommandHandler? handler = null;
        lock (_parseGate)
        {
            parse = Root.Parse(words);
        }

        var target = parse.CommandResult.Command;
        if (parse.Errors.Count > 0 || ReferenceEquals(target, Root) || !_handlers.TryGetValue(target, out handler))
        {
            var help = parse.Errors.Select(e => e.Message).ToList();
            if (help.Count == 0)
            {
                help.Add(ReferenceEquals(target, Root) ? "Required command was not provided." : $"'{target.Name}' needs one of its subcommands: {string.Join(", ", target.Subcommands.Select(s => s.Name))}.");
            }

            command.Warning(new Dictionary<string, object?> { ["help"] = help });
            command.Fail(new Dictionary<string, object?> { ["error"] = $"Command '{command.Body}' does not exist or cannot be parsed." });
            return;
        }

        Task running;
        try
        {
            running = handler(command, parse) ?? Task.CompletedTask;
        }
        catch (Exception e)
        {
            running = Task.FromException(e);
        }

        if (running.IsCompleted)
        {
            Conclude(command, running);
        }
        else
        {
            _ = running.ContinueWith(done => Conclude(command, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Conclude(Command command, Task done)
    {
        var status = command.Status;
        if (status.IsDone())
        {
            if (done.IsFaulted)
            {
                _log.Warning("'{0}': the handler of '{1}' threw after the command ended: {2}", Name, command.Body, done.Exception!.GetBaseException().Message);
            }

            return;
        }

        if (status == CommandStatus.Cancelling && (done.IsCanceled || done.Exception?.GetBaseException() is OperationCanceledException || done.IsCompletedSuccessfully))
        {
            command.SetStatus(CommandStatus.Cancelled);
            return;
        }

        if (done.IsCanceled || done.IsFaulted)
        {
            var error = done.Exception?.GetBaseException() ?? new OperationCanceledException();
            _log.Error(error, "'{0}': command '{1}' failed", Name, command.Body);
            command.Fail($"Command '{command.Body}' failed because of an uncaught error '{error.GetType().Name}: {error.Message}'. See traceback in the log for more information.");
            return;
        }

        command.SetStatus(status == CommandStatus.Failing ? CommandStatus.Failed : CommandStatus.Done);
    }
}
