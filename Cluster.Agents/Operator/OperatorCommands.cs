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
}
