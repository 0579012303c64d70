using Akka.Actor;
using Cluster.Contracts.Commands;

namespace Cluster.Contracts.Operator;

/// <summary>Asks a node to send a command string to a command actor and to stream its replies to <paramref name="Receiver"/>.</summary>
/// <param name="Actor">The command actor's name.</param>
/// <param name="CommandString">The command string.</param>
/// <param name="TimeLimit">The command's time limit on the actor's clock, or null.</param>
/// <param name="Receiver">Where the replies go, as <see cref="OperatorCommandReply"/>s, then one <see cref="OperatorCommandEnded"/>.</param>
public sealed record OperatorCommand(string Actor, string CommandString, TimeSpan? TimeLimit, IActorRef Receiver) : IClusterMessage;

/// <summary>One reply of the operator's command, as clu's JSON line.</summary>
/// <param name="Json">The reply.</param>
public sealed record OperatorCommandReply(string Json) : IClusterMessage;

/// <summary>The operator's command has ended.</summary>
/// <param name="Status">Its final status.</param>
public sealed record OperatorCommandEnded(CommandStatus Status) : IClusterMessage;

/// <summary>Asks a node to cancel the operator's command whose replies go to <paramref name="Receiver"/>.</summary>
/// <param name="Receiver">The receiver given in its <see cref="OperatorCommand"/>.</param>
public sealed record CancelOperatorCommand(IActorRef Receiver) : IClusterMessage;
