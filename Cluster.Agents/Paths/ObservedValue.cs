using System.Reactive.Subjects;

namespace Cluster.Agents.Paths;

/// <summary>
/// A state as an observable (ESHET's YARP <c>state_observe</c>): it always holds a value or Unknown, gives it to each new
/// subscriber at once, then each change. Dispose it to stop observing; subscribers then complete.
/// </summary>
/// <typeparam name="T">The state's value type.</typeparam>
public sealed class ObservedValue<T> : IObservable<StateValue<T>>, IAsyncDisposable
{
    private readonly BehaviorSubject<StateValue<T>> _subject;
    private StateObservation<T>? _observation;

    internal ObservedValue(StateValue<T> initial) => _subject = new BehaviorSubject<StateValue<T>>(initial);

    /// <summary>Gets the state's value now, or Unknown.</summary>
    public StateValue<T> Value => _subject.Value;

    /// <inheritdoc />
    public IDisposable Subscribe(IObserver<StateValue<T>> observer) => _subject.Subscribe(observer);

    /// <summary>Stops observing and completes the subscribers.</summary>
    /// <returns>A task that completes once the observation is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_observation is not null)
        {
            await _observation.DisposeAsync().ConfigureAwait(false);
        }

        _subject.OnCompleted();
        _subject.Dispose();
    }

    internal void Attach(StateObservation<T> observation)
    {
        _observation = observation;
        _subject.OnNext(observation.Current);
    }

    internal void Next(StateValue<T> value)
    {
        if (!_subject.IsDisposed)
        {
            _subject.OnNext(value);
        }
    }
}
