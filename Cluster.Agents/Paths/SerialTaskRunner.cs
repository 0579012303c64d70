using System.Threading.Channels;
using Polly;
using Polly.Retry;

namespace Cluster.Agents.Paths;

/// <summary>
/// Runs tasks one after another in the background (ESHET's <c>RunSerially</c>): optionally only the latest of those
/// waiting, retrying a failed task with exponential backoff on the node's clock, or assuming every run failed so the task
/// repeats until a newer one replaces it. Retries are a Polly pipeline on the given <see cref="TimeProvider"/>.
/// </summary>
public sealed class SerialTaskRunner : ITaskRunner
{
    private readonly SerialTaskOptions _options;
    private readonly Action<Exception>? _onError;
    private readonly Channel<Func<CancellationToken, Task>> _queue = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ResiliencePipeline _pipeline;
    private readonly Task _loop;
    private CancellationTokenSource? _current;
    private long _completed;
    private long _skipped;
    private long _failed;
    private long _attempts;

    /// <summary>Creates the runner and starts its loop.</summary>
    /// <param name="clock">The clock retries wait on: the node's clock (<c>NodeClock.Get(system).Clock</c>).</param>
    /// <param name="options">How to run; defaults when null.</param>
    /// <param name="onError">Told of each failed run, retried or not; null ignores them.</param>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public SerialTaskRunner(TimeProvider clock, SerialTaskOptions? options = null, Action<Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _options = options ?? new SerialTaskOptions();
        _options.Validate();
        _onError = onError;
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (_options.Retry)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(_options.AssumeFailed || args.Outcome.Exception is not null and not OperationCanceledException),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff(args.AttemptNumber)),
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } error)
                    {
                        _onError?.Invoke(error);
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = builder.Build();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Gets how many tasks ended with success (for a task assumed failed: never).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Gets how many tasks were skipped for a later one.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Gets how many tasks failed for good (without retry).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Gets how many runs of tasks began, first runs and retries.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The runner was disposed.</exception>
    public void Run(Func<CancellationToken, Task> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!_queue.Writer.TryWrite(task))
        {
            throw new ObjectDisposedException(nameof(SerialTaskRunner), "The serial task runner was disposed.");
        }

        // A newer task replaces one that waits to be retried.
        if (_options.OnlyLatest)
        {
            Volatile.Read(ref _current)?.Cancel();
        }
    }

    /// <summary>Stops the loop: the running task is cancelled, the waiting ones dropped.</summary>
    /// <returns>A task that completes once the loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private TimeSpan Backoff(int attempt)
    {
        var seconds = _options.RetryStart.TotalSeconds * Math.Pow(_options.RetryMultiplier, attempt);
        return seconds >= _options.RetryEnd.TotalSeconds ? _options.RetryEnd : TimeSpan.FromSeconds(seconds);
    }

    private async Task LoopAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (!_queue.Reader.TryRead(out var task))
                {
                    continue;
                }

                while (_options.OnlyLatest && _queue.Reader.TryRead(out var later))
                {
                    Interlocked.Increment(ref _skipped);
                    task = later;
                }

                await RunOneAsync(task).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RunOneAsync(Func<CancellationToken, Task> task)
    {
        using var current = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        Volatile.Write(ref _current, current);
        try
        {
            await _pipeline.ExecuteAsync(
                async token =>
                {
                    Interlocked.Increment(ref _attempts);
                    await task(_stopping.Token).ConfigureAwait(false);
                },
                current.Token).ConfigureAwait(false);
            if (!_options.AssumeFailed)
            {
                Interlocked.Increment(ref _completed);
            }
        }
        catch (OperationCanceledException) when (current.IsCancellationRequested)
        {
            // Replaced by a newer task, or the runner stops.
            if (!_stopping.IsCancellationRequested)
            {
                Interlocked.Increment(ref _skipped);
            }
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _failed);
            _onError?.Invoke(e);
        }
        finally
        {
            Interlocked.CompareExchange(ref _current, null, current);
        }
    }
}
