using Cluster.Contracts.Commands;

namespace Cluster.Agents.Commands;

/// <summary>Reads a <see cref="CommandStatus"/> the way clu does: its reply code, its group, its name.</summary>
public static class CommandStatuses
{
    private static readonly CommandStatus[] Single =
    [
        CommandStatus.Done, CommandStatus.Cancelled, CommandStatus.Failed, CommandStatus.TimedOut, CommandStatus.Ready,
        CommandStatus.Running, CommandStatus.Cancelling, CommandStatus.Failing, CommandStatus.Debug,
    ];

    /// <summary>Gets the reply code that announces <paramref name="status"/>.</summary>
    /// <param name="status">A single status (not a group).</param>
    /// <returns><c>:</c> for Done; <c>f</c> for Cancelled, Failed and TimedOut; <c>i</c> for Ready; <c>&gt;</c> for Running; <c>w</c> for Cancelling and Failing; <c>d</c> for Debug.</returns>
    /// <exception cref="ArgumentException">The status is a group or none.</exception>
    public static char Code(this CommandStatus status) => status switch
    {
        CommandStatus.Done => MessageCodes.Done,
        CommandStatus.Cancelled or CommandStatus.Failed or CommandStatus.TimedOut => MessageCodes.Failed,
        CommandStatus.Ready => MessageCodes.Info,
        CommandStatus.Running => MessageCodes.Running,
        CommandStatus.Cancelling or CommandStatus.Failing => MessageCodes.Warning,
        CommandStatus.Debug => MessageCodes.Debug,
        _ => throw new ArgumentException($"{status} is not a single command status and has no reply code.", nameof(status)),
    };

    /// <summary>Tells whether the command has ended, well or not.</summary>
    /// <param name="status">The status.</param>
    /// <returns>True for Done, Cancelled, Failed and TimedOut.</returns>
    public static bool IsDone(this CommandStatus status) => status != CommandStatus.None && (CommandStatus.DoneStates & status) == status;

    /// <summary>Tells whether the command is running, cancelling or failing.</summary>
    /// <param name="status">The status.</param>
    /// <returns>True for an active status.</returns>
    public static bool IsActive(this CommandStatus status) => status != CommandStatus.None && (CommandStatus.Active & status) == status;

    /// <summary>Tells whether the command failed, was cancelled or timed out.</summary>
    /// <param name="status">The status.</param>
    /// <returns>True for one of the failed states.</returns>
    public static bool DidFail(this CommandStatus status) => status != CommandStatus.None && (CommandStatus.FailedStates & status) == status;

    /// <summary>Tells whether the command is being cancelled or failing.</summary>
    /// <param name="status">The status.</param>
    /// <returns>True for Cancelling or Failing.</returns>
    public static bool IsFailing(this CommandStatus status) => status != CommandStatus.None && (CommandStatus.FailingStates & status) == status;

    /// <summary>Reads a single status by name, ignoring case (<c>done</c>, <c>TimedOut</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentException">No single status has that name; the message lists them.</exception>
    public static CommandStatus Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var status in Single)
        {
            if (string.Equals(status.ToString(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return status;
            }
        }

        throw new ArgumentException($"'{name}' is not a valid command status; the statuses are {string.Join(", ", Single)}.", nameof(name));
    }

    /// <summary>Gets the status a reply code implies, as clu's clients read it.</summary>
    /// <param name="code">The code.</param>
    /// <returns>Done for <c>:</c>, Failed for <c>f</c> and <c>!</c>, Running otherwise.</returns>
    public static CommandStatus FromCode(char code) => code switch
    {
        MessageCodes.Done => CommandStatus.Done,
        MessageCodes.Failed or MessageCodes.Fatal => CommandStatus.Failed,
        _ => CommandStatus.Running,
    };
}
