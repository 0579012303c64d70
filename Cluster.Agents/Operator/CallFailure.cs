using Akka.Actor;
using Akka.Cluster;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Rpc;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>
/// Words a failed operator call for a person: the one useful line first (the target, its node, what went wrong), never a
/// remote stack trace; a target on a node that is unreachable or gone is named with that node.
/// </summary>
internal static class CallFailure
{
    public static OperatorFailed Describe(ActorSystem system, OperatorCall request, Exception? error, LostNames lost)
    {
        switch (error)
        {
            case UnknownNameException when lost.TryGet(request.Target, out var gone):
                return new OperatorFailed($"'{request.Target}' is gone: it ran on {gone.Node}, which became unreachable or left the cluster at {gone.At:HH:mm:ss} UTC{Status(system, gone.Node)}.");
            case RemoteException remote when remote.RemoteType.EndsWith("UnknownEndpointException", StringComparison.Ordinal):
                return new OperatorFailed(remote.RemoteMessage);
            case RemoteException remote:
                var type = remote.RemoteType[(remote.RemoteType.LastIndexOfAny(['.', '+']) + 1)..];
                return new OperatorFailed($"{remote.RemoteMessage} ({type} in '{remote.OriginName}' on {remote.OriginNode})");
            case TargetTerminatedException or TimeoutException:
                return new OperatorFailed($"{error.Message.TrimEnd('.')}{NodeOf(system, request.Target)}");
            case null:
                return new OperatorFailed($"the call to '{request.Target}' was cancelled.");
            default:
                return new OperatorFailed(error.Message);
        }
    }

    private static string Status(ActorSystem system, Address node)
    {
        var member = Akka.Cluster.Cluster.Get(system).State.Members.FirstOrDefault(m => m.Address.Equals(node));
        return member is null ? " and has been removed" : $" (now {member.Status})";
    }

    // What the cluster knows of the target's node: a registered name's node, or the node an agent's address names.
    private static string NodeOf(ActorSystem system, string target)
    {
        Address? node = null;
        if (NameRegistry.IsEnabled(system) && NameRegistry.Get(system).TryLookup(target, out var entry))
        {
            node = entry.Node;
        }
        else if (AgentAddress.TryParse(target, out var agent) && agent.Host is not null && agent.Port is not null)
        {
            node = agent.NodeOver(Akka.Cluster.Cluster.Get(system).SelfAddress.Protocol);
        }

        if (node is null)
        {
            return ".";
        }

        var state = Akka.Cluster.Cluster.Get(system).State;
        var member = state.Members.FirstOrDefault(m => m.Address.Equals(node));
        var where = member is null
            ? "which is no longer a member of the cluster (removed)"
            : state.Unreachable.Contains(member)
                ? $"which is unreachable from {Akka.Cluster.Cluster.Get(system).SelfAddress} ({member.Status})"
                : $"which is {member.Status}";
        return $"; '{target}' runs on {node}, {where}.";
    }
}
