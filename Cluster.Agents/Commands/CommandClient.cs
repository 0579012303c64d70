using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Registry;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Commands;

namespace Cluster.Agents.Commands;

/// <summary>Sends commands to command actors anywhere in the cluster (clu's <c>send_command</c>) and hands back a <see cref="CommandHandle"/>.</summary>
public sealed class CommandClient : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly object _gate = new();
    private Action<CommandReply>[] _observers = [];
    private long _lastId;

    private CommandClient(ExtendedActorSystem system)
    {
        _system = system;
        CommanderId = $"{system.Name}@{system.Provider.DefaultAddress.Host ?? "local"}:{system.Provider.DefaultAddress.Port ?? 0}.{Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>Gets this node's commander id, which replies carry.</summary>
    public string CommanderId { get; }

    /// <summary>Gets the command client of <paramref name="system"/>.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <returns>The client.</returns>
    public static CommandClient Get(ActorSystem system) => system.WithExtension<CommandClient, Provider>();

    /// <summary>Sends <paramref name="commandString"/> to the command actor registered as <paramref name="actor"/>.</summary>
    /// <param name="actor">The actor's registered name, e.g. <c>camera</c>.</param>
    /// <param name="commandString">The command string, e.g. <c>expose --time 2</c>.</param>
    /// <param name="timeLimit">How long the command may run on the actor's clock before it times out; null for no limit.</param>
    /// <returns>The command's handle. An actor that is not registered fails it at once, with one <c>f</c> reply naming the actor.</returns>
    /// <exception cref="ArgumentException">The command string is null or blank.</exception>
    public CommandHandle SendCommand(string actor, string commandString, TimeSpan? timeLimit = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        IActorRef target;
        try
        {
            target = NameRegistry.Get(_system).Lookup(actor).Owner;
        }
        catch (UnknownNameException e)
        {
            var handle = new CommandHandle(actor, commandString, CommanderId, NextId(), null);
            var error = new JsonObject { ["error"] = $"Actor '{actor}' is not running: {e.Message}" };
            handle.Add(new CommandReply(handle.CommandId, CommanderId, MessageCodes.Failed, actor, false, error.ToJsonString(Keywords.JsonOptions), CommandStatus.Failed, false, NodeClock.Get(_system).Clock.UtcNow));
            handle.End(CommandStatus.Failed);
            return handle;
        }

        return SendCommand(target, commandString, timeLimit);
    }

    /// <summary>Sends <paramref name="commandString"/> to the command actor <paramref name="actor"/>.</summary>
    /// <param name="actor">The actor.</param>
    /// <param name="commandString">The command string.</param>
    /// <param name="timeLimit">How long the command may run on the actor's clock; null for no limit.</param>
    /// <returns>The command's handle.</returns>
    public CommandHandle SendCommand(IActorRef actor, string commandString, TimeSpan? timeLimit = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(commandString);
        if (timeLimit is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeLimit), timeLimit, "A command's time limit must be positive.");
        }

        var calls = CallClient.Get(_system);
        var id = NextId();
        var handle = new CommandHandle(actor.Path.Name, commandString, CommanderId, id, () =>
        {
            calls.Send(actor, new EndpointCall(CommandActor.CancelEndpoint, [new CancelCommand(CommanderId, id)]));
            return Task.CompletedTask;
        });
        // The replies go into the handle on the thread that delivers them, and its final status is set there too: the only hop
        // to another thread is the one to whoever awaits the handle.
        calls.Stream(actor, new EndpointCall(CommandActor.CommandEndpoint, [new CommandRequest(commandString, CommanderId, id, timeLimit)]), Timeout.InfiniteTimeSpan, new Replies(this, handle));
        return handle;
    }

    /// <summary>Calls <paramref name="observer"/> with every reply to this node's commands (a <see cref="ModelSet"/> learns from them).</summary>
    /// <param name="observer">The observer; it runs on the thread that received the reply and must not block.</param>
    /// <returns>Disposing it removes the observer.</returns>
    public IDisposable ObserveReplies(Action<CommandReply> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            _observers = [.. _observers, observer];
        }

        return new Removal(() =>
        {
            lock (_gate)
            {
                _observers = [.. _observers.Where(o => o != observer)];
            }
        });
    }

    private long NextId() => Interlocked.Increment(ref _lastId);

    private sealed class Replies(CommandClient client, CommandHandle handle) : IObserver<CommandReply>
    {
        public void OnNext(CommandReply value)
        {
            handle.Add(value);
            foreach (var observer in Volatile.Read(ref client._observers))
            {
                try
                {
                    observer(value);
                }
                catch (Exception e)
                {
                    client._system.Log.Error(e, "A reply observer threw {0}: {1}", e.GetType().Name, e.Message);
                }
            }
        }

        public void OnError(Exception error)
        {
            var message = error is RemoteException remote ? remote.RemoteMessage : error.Message;
            var keywords = new JsonObject { ["error"] = $"The command could not run on '{handle.Actor}': {message}" };
            handle.Add(new CommandReply(handle.CommandId, handle.CommanderId, MessageCodes.Failed, handle.Actor, false, keywords.ToJsonString(Keywords.JsonOptions), CommandStatus.Failed, false, NodeClock.Get(client._system).Clock.UtcNow));
            handle.End(null);
        }

        public void OnCompleted() => handle.End(null);
    }

    private sealed class Removal(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }

    private sealed class Provider : ExtensionIdProvider<CommandClient>
    {
        public override CommandClient CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
