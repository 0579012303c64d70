using System.Collections.Concurrent;
using Akka.Actor;
using Cluster.Agents.Commands;
using Cluster.Contracts.Commands;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>The operator's <c>command</c> verb: on the node, it sends the command and streams its replies; on the verb's side, it prints them.</summary>
public static class OperatorCommands
{
    private static readonly ConcurrentDictionary<IActorRef, CommandHandle> Running = new();

    /// <summary>Sends a command string to a command actor and waits for its end, calling <paramref name="onReply"/> with each reply as it arrives.</summary>
    /// <param name="client">The connected operator client.</param>
    /// <param name="actor">The command actor's name.</param>
    /// <param name="commandString">The command string.</param>
    /// <param name="timeLimit">The command's time limit, or null.</param>
    /// <param name="onReply">Receives each reply as one JSON line.</param>
    /// <param name="cancellationToken">Cancels the command and stops waiting.</param>
    /// <returns>The command's final status.</returns>
    public static async Task<CommandStatus> RunCommandAsync(this OperatorClient client, string actor, string commandString, TimeSpan? timeLimit, Func<string, Task> onReply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ended = new TaskCompletionSource<CommandStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = client.System.ActorOf(Props.Create(() => new Receiver(onReply, ended)));
        try
        {
            client.Tell(new OperatorCommand(actor, commandString, timeLimit, receiver), receiver);
            using (cancellationToken.Register(() => client.Tell(new CancelOperatorCommand(receiver), receiver)))
            {
                return await ended.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            client.System.Stop(receiver);
        }
    }

    /// <summary>Runs an operator's command on this node and streams its replies to the verb's receiver.</summary>
    /// <param name="system">This node's actor system.</param>
    /// <param name="request">The request.</param>
    public static void Run(ActorSystem system, OperatorCommand request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var handle = CommandClient.Get(system).SendCommand(request.Actor, request.CommandString, request.TimeLimit);
        Running[request.Receiver] = handle;
        _ = ForwardAsync(handle, request.Receiver);
    }

    /// <summary>Cancels an operator's command running from this node.</summary>
    /// <param name="request">The request.</param>
    public static void Cancel(CancelOperatorCommand request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Running.TryGetValue(request.Receiver, out var handle))
        {
            _ = handle.CancelAsync();
        }
    }

    private static async Task ForwardAsync(CommandHandle handle, IActorRef receiver)
    {
        try
        {
            await foreach (var reply in handle.ReadRepliesAsync().ConfigureAwait(false))
            {
                receiver.Tell(new OperatorCommandReply(CommandReplyJson.ToJson(reply)));
            }

            receiver.Tell(new OperatorCommandEnded(await handle.Completion.ConfigureAwait(false)));
        }
        finally
        {
            Running.TryRemove(receiver, out _);
        }
    }

    // Replies are printed one at a time, in order: the next waits for the previous write.
    private sealed class Receiver : ReceiveActor
    {
        public Receiver(Func<string, Task> onReply, TaskCompletionSource<CommandStatus> ended)
        {
            ReceiveAsync<OperatorCommandReply>(reply => onReply(reply.Json));
            Receive<OperatorCommandEnded>(end => ended.TrySetResult(end.Status));
            Receive<OperatorFailed>(failed => ended.TrySetException(new OperatorException(failed.Error)));
        }
    }
}
