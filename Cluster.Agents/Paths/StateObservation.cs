using Akka.Actor;

namespace Cluster.Agents.Paths;

/// <summary>Follows a state: holds the value it had when observing started, its value now and how long ago it changed; dispose it to stop.</summary>
/// <typeparam name="T">The state's value type.</typeparam>
public sealed class StateObservation<T> : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _observer;
    private readonly ObservedState _state;
    private readonly Func<object?, T> _convert;

    internal StateObservation(ActorSystem system, string path, IActorRef observer, ObservedState state, Func<object?, T> convert)
    {
        _system = system;
        Path = path;
        _observer = observer;
        _state = state;
        _convert = convert;
        Initial = Current;
    }

    /// <summary>Gets the absolute path of the state.</summary>
    public string Path { get; }

    /// <summary>Gets the value, or Unknown, that the state had when observing started; the callback is not called for it.</summary>
    public StateValue<T> Initial { get; }

    /// <summary>Gets the state's value now, or Unknown, as this observer has seen it.</summary>
    public StateValue<T> Current
    {
        get
        {
            var (known, value, _) = _state.Read();
            return known ? StateValue<T>.Known(_convert(value)) : StateValue<T>.Unknown;
        }
    }

    /// <summary>Gets how long ago, on the node's clock, the state last changed (ESHET's <c>observe_t</c>).</summary>
    public TimeSpan SinceLastChange => _state.Read().SinceChange;

    /// <summary>Stops observing.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        _system.Stop(_observer);
        return ValueTask.CompletedTask;
    }
}
