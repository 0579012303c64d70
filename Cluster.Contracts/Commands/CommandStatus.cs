namespace Cluster.Contracts.Commands;

/// <summary>Describes where a command is in its lifecycle, with clu's flags and their groups.</summary>
/// <remarks>A command starts <see cref="Ready"/>, runs (<see cref="Running"/>), may be on its way to failing
/// (<see cref="Cancelling"/>, <see cref="Failing"/>) and ends in one of <see cref="DoneStates"/>.</remarks>
[Flags]
#pragma warning disable CA1711 // clu names the flags and their groups; the names are the protocol's own.
public enum CommandStatus
{
    /// <summary>No status; never a command's own.</summary>
    None = 0,

    /// <summary>Finished successfully (code <c>:</c>).</summary>
    Done = 1,

    /// <summary>Cancelled at someone's request (code <c>f</c>).</summary>
    Cancelled = 2,

    /// <summary>Failed (code <c>f</c>).</summary>
    Failed = 4,

    /// <summary>Ran longer than its time limit (code <c>f</c>).</summary>
    TimedOut = 8,

    /// <summary>Built, not yet running (code <c>i</c>).</summary>
    Ready = 16,

    /// <summary>Running (code <c>&gt;</c>).</summary>
    Running = 32,

    /// <summary>Asked to cancel, not yet stopped (code <c>w</c>).</summary>
    Cancelling = 64,

    /// <summary>On its way to failing (code <c>w</c>).</summary>
    Failing = 128,

    /// <summary>A debug status (code <c>d</c>).</summary>
    Debug = 256,

    /// <summary>Running, cancelling or failing.</summary>
    Active = Running | Cancelling | Failing,

    /// <summary>Cancelled, failed or timed out.</summary>
    FailedStates = Cancelled | Failed | TimedOut,

    /// <summary>Cancelling or failing.</summary>
    FailingStates = Cancelling | Failing,

    /// <summary>Done, or one of <see cref="FailedStates"/>.</summary>
    DoneStates = Done | FailedStates,

    /// <summary>Every state a command can be in.</summary>
    AllStates = Ready | Active | DoneStates,
}
#pragma warning restore CA1711
