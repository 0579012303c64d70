namespace Cluster.Tests.Calls;

/// <summary>Records what a stream hands to its observer: the values in order, and the one ending (null for a completion).</summary>
/// <typeparam name="T">The type of the values.</typeparam>
public sealed class RecordingObserver<T> : IObserver<T>
{
    private readonly object _gate = new();
    private readonly List<T> _values = [];
    private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _endings;
    private int _valuesAfterEnd;

    /// <summary>Gets the values received so far.</summary>
    public IReadOnlyList<T> Values
    {
        get
        {
            lock (_gate)
            {
                return [.. _values];
            }
        }
    }

    /// <summary>Gets how many endings arrived (completion or error).</summary>
    public int Endings => Volatile.Read(ref _endings);

    /// <summary>Gets how many values arrived after an ending.</summary>
    public int ValuesAfterEnd => Volatile.Read(ref _valuesAfterEnd);

    /// <summary>Gets a task that completes with the ending's error, or null for a completion.</summary>
    public Task<Exception?> Ended => _ended.Task;

    /// <inheritdoc />
    public void OnNext(T value)
    {
        lock (_gate)
        {
            if (_endings > 0)
            {
                _valuesAfterEnd++;
            }

            _values.Add(value);
        }
    }

    /// <inheritdoc />
    public void OnError(Exception error) => End(error);

    /// <inheritdoc />
    public void OnCompleted() => End(null);

    private void End(Exception? error)
    {
        Interlocked.Increment(ref _endings);
        _ended.TrySetResult(error);
    }
}
