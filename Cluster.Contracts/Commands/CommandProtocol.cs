namespace Cluster.Contracts.Commands;

/// <summary>Asks a command actor to run a command string; it travels as the argument of the actor's <c>command</c> endpoint, whose stream of answers are <see cref="CommandReply"/>s.</summary>
/// <param name="CommandString">The command string, e.g. <c>expose --time 3.5 --count 2</c>.</param>
/// <param name="CommanderId">Who commands, unique per client; replies carry it.</param>
/// <param name="CommandId">The commander's number for the command; replies carry it.</param>
/// <param name="TimeLimit">How long the command may run on the actor's clock before it times out; null for no limit.</param>
public sealed record CommandRequest(string CommandString, string CommanderId, long CommandId, TimeSpan? TimeLimit) : IClusterMessage;

/// <summary>Asks a command actor to cancel one of its running commands; sent one way to its <c>cancel</c> endpoint.</summary>
/// <param name="CommanderId">The commander that started it.</param>
/// <param name="CommandId">The commander's number for it.</param>
public sealed record CancelCommand(string CommanderId, long CommandId) : IClusterMessage;

/// <summary>One reply of a command actor: a message code and a dictionary of keywords, to the commander or broadcast.</summary>
/// <param name="CommandId">The command's number; 0 for a reply that belongs to no command.</param>
/// <param name="CommanderId">The commander; null for a reply that belongs to no command.</param>
/// <param name="Code">The message code: one of <c>d i w e f ! : &gt;</c>.</param>
/// <param name="Sender">The actor that replied.</param>
/// <param name="Internal">Whether the reply is marked internal (not for broader consumption).</param>
/// <param name="Data">The keywords, as the text of a JSON object, e.g. <c>{"text": "Pong."}</c>.</param>
/// <param name="Status">The command's status as its commander sees it after this reply.</param>
/// <param name="Broadcast">Whether the reply was broadcast to every listener of the actor.</param>
/// <param name="Time">When the actor wrote it, on its clock.</param>
public sealed record CommandReply(
    long CommandId,
    string? CommanderId,
    char Code,
    string Sender,
    bool Internal,
    string Data,
    CommandStatus Status,
    bool Broadcast,
    DateTimeOffset Time) : IClusterMessage;
