namespace Cluster.Agents.Core.Topics;

/// <summary>
/// Wakes whoever waits for a condition that another thread makes true (room on a reliable topic, a message to write).
/// A waiter takes <see cref="Next"/> before it checks the condition, so a signal between the check and the wait is not lost.
/// </summary>
internal sealed class LaneSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    /// <summary>Gets a task that completes at the next signal; take it before checking the condition, then wait on it.</summary>
    public Task Next
    {
        get
        {
            var next = Volatile.Read(ref _next).Task;
            // Armed after the task is read and before the caller checks: a signal after that check sees it armed.
            Interlocked.Exchange(ref _armed, 1);
            return next;
        }
    }

    /// <summary>The condition may have become true: wakes every waiter. Costs one interlocked exchange while nobody waits.</summary>
    public void Set()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
