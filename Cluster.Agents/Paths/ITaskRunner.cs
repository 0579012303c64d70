namespace Cluster.Agents.Paths;

/// <summary>Runs background tasks by a strategy for overlapping work (ESHET's <c>TaskStrategy</c>): at once, or one after another.</summary>
public interface ITaskRunner : IAsyncDisposable
{
    /// <summary>Hands <paramref name="task"/> to the runner, which runs it in the background by its strategy.</summary>
    /// <param name="task">The work; its token is cancelled when the runner is disposed.</param>
    void Run(Func<CancellationToken, Task> task);
}
