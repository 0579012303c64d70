using System.Collections.Concurrent;

namespace Cluster.Agents.Paths;

/// <summary>Runs each task at once, beside the others (ESHET's <c>RunInTask</c>); a failure goes to the error callback.</summary>
public sealed class RunInTask : ITaskRunner
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action<Exception>? _onError;
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Creates the runner.</summary>
    /// <param name="onError">Told of each task that fails; null ignores failures.</param>
    public RunInTask(Action<Exception>? onError = null) => _onError = onError;

    /// <inheritdoc />
    public void Run(Func<CancellationToken, Task> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var running = Task.Run(async () =>
        {
            try
            {
                await task(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                _onError?.Invoke(e);
            }
        });
        _running.TryAdd(running, 0);
        running.ContinueWith(done => _running.TryRemove(done, out _), TaskScheduler.Default);
    }

    /// <summary>Cancels the running tasks and waits for them to end.</summary>
    /// <returns>A task that completes when they have ended.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
