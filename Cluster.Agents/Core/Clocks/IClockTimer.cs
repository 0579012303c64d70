namespace Cluster.Agents.Core.Clocks;

/// <summary>
/// A handle to an action scheduled on a <see cref="Clock"/> with <see cref="Clock.CallIn(TimeSpan, Action)"/>,
/// <see cref="Clock.CallAt(double, Action)"/> or <see cref="Clock.Every"/>.
/// </summary>
public interface IClockTimer
{
    /// <summary>Cancels the scheduled action if it has not started yet.</summary>
    /// <returns>
    /// <see langword="true"/> if the timer was still pending: its action has not run and never will.
    /// <see langword="false"/> if it was already cancelled, or its action has already started: that action may
    /// still be running on another thread, since cancelling never interrupts it.
    /// </returns>
    /// <remarks>
    /// Whatever the result, the action never starts after <see cref="Cancel"/> has returned. A firing and a
    /// cancel that race on two threads are decided atomically: exactly one of them wins.
    /// </remarks>
    bool Cancel();
}
