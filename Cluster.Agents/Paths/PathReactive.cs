using System.Reactive.Linq;

namespace Cluster.Agents.Paths;

/// <summary>Joins paths and observables (ESHET's YARP wrappers): a state as an observable, a state that follows one, and actions or sets driven by one.</summary>
public static class PathReactive
{
    /// <summary>Observes a state as an observable that always holds its value or Unknown (YARP's <c>state_observe</c>).</summary>
    /// <typeparam name="T">The state's value type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="path">The state's path.</param>
    /// <param name="cancellationToken">Stops waiting for the current value.</param>
    /// <returns>The observable, holding the current value by the time it is returned; dispose it to stop.</returns>
    /// <exception cref="WrongTypeOfNodeException">The path is registered, and not as a state.</exception>
    public static async Task<ObservedValue<T>> ObserveValueAsync<T>(this PathClient client, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var value = new ObservedValue<T>(StateValue<T>.Unknown);
        value.Attach(await client.ObserveAsync<T>(path, value.Next, cancellationToken).ConfigureAwait(false));
        return value;
    }

    /// <summary>Registers a state whose value follows <paramref name="source"/> (YARP's <c>state_register</c>): Unknown until it emits, and whenever it emits Unknown.</summary>
    /// <typeparam name="T">The state's value type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="path">The state's path.</param>
    /// <param name="source">The values.</param>
    /// <param name="setter">Runs when someone sets the state; null makes a set fail with <see cref="PathNotImplementedException"/>.</param>
    /// <returns>The state's handle; disposing it stops following and gives the path up.</returns>
    /// <exception cref="PathAlreadyExistsException">Another owner holds the path.</exception>
    public static async Task<IAsyncDisposable> RegisterStateAsync<T>(this PathClient client, string path, IObservable<StateValue<T>> source, Action<T>? setter = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(source);
        var state = await client.RegisterStateAsync(path, setter).ConfigureAwait(false);
        var following = source.Subscribe(value =>
        {
            try
            {
                state.Update(value);
            }
            catch (NotOwnerException)
            {
                // The state was given up; the subscription ends with it below.
            }
        });
        return new Following(state, following);
    }

    /// <summary>Calls an action whenever <paramref name="source"/> holds a known value, with that value as its argument (YARP's <c>action_call</c>).</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="path">The action's path.</param>
    /// <param name="source">The arguments; Unknown values are skipped.</param>
    /// <param name="runner">How overlapping calls run: <see cref="RunInTask"/> or a <see cref="SerialTaskRunner"/>.</param>
    /// <returns>A subscription; dispose it to stop.</returns>
    public static IDisposable CallWhenKnown<T>(this PathClient client, string path, IObservable<StateValue<T>> source, ITaskRunner runner)
    {
        ArgumentNullException.ThrowIfNull(client);
        var absolute = client.Resolve(path);
        return WhenKnown(source, runner, value => _ => client.CallAsync<object?>(absolute, value));
    }

    /// <summary>Sets a state or property whenever <paramref name="source"/> holds a known value (YARP's <c>set_value</c>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="path">The path of the state or property.</param>
    /// <param name="source">The values; Unknown values are skipped.</param>
    /// <param name="runner">How overlapping sets run: <see cref="RunInTask"/> or a <see cref="SerialTaskRunner"/>.</param>
    /// <returns>A subscription; dispose it to stop.</returns>
    public static IDisposable SetWhenKnown<T>(this PathClient client, string path, IObservable<StateValue<T>> source, ITaskRunner runner)
    {
        ArgumentNullException.ThrowIfNull(client);
        var absolute = client.Resolve(path);
        return WhenKnown(source, runner, value => token => client.SetAsync(absolute, value, token));
    }

    private static IDisposable WhenKnown<T>(IObservable<StateValue<T>> source, ITaskRunner runner, Func<T, Func<CancellationToken, Task>> work)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(runner);
        return source.Where(value => value.IsKnown).Subscribe(value => runner.Run(work(value.Value)));
    }

    private sealed class Following(PathRegistration state, IDisposable following) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            following.Dispose();
            await state.DisposeAsync().ConfigureAwait(false);
        }
    }
}
