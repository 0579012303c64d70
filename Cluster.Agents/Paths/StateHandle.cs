using Akka.Actor;

namespace Cluster.Agents.Paths;

/// <summary>Changes the value of a registered state; every observer in the cluster follows it.</summary>
/// <typeparam name="T">The state's value type.</typeparam>
public sealed class StateHandle<T> : PathRegistration
{
    private readonly StateCell _cell;

    internal StateHandle(ActorSystem system, string path, IActorRef actor, StateCell cell)
        : base(system, path, PathKind.State, actor) => _cell = cell;

    /// <summary>Sets the state's value, or makes it unknown when given <see cref="StateValue{T}.Unknown"/> or <see cref="Paths.Unknown.Value"/>.</summary>
    /// <param name="value">The new value, or Unknown.</param>
    /// <exception cref="NotOwnerException">The state was unregistered, or its owner stopped.</exception>
    public void Update(StateValue<T> value)
    {
        if (value.IsKnown && value.Value is not Paths.Unknown)
        {
            _cell.Change(true, value.Value);
        }
        else
        {
            _cell.Change(false, null);
        }
    }

    /// <summary>Sets the state's value.</summary>
    /// <param name="value">The new value.</param>
    /// <exception cref="NotOwnerException">The state was unregistered, or its owner stopped.</exception>
    public void Changed(T value) => Update(StateValue<T>.Known(value));

    /// <summary>Makes the state unknown: <c>Changed(Unknown.Value)</c> is the same as <see cref="Unknown()"/>.</summary>
    /// <param name="unknown">The marker <see cref="Paths.Unknown.Value"/>.</param>
    /// <exception cref="NotOwnerException">The state was unregistered, or its owner stopped.</exception>
    public void Changed(Paths.Unknown unknown) => Unknown();

    /// <summary>Makes the state unknown.</summary>
    /// <exception cref="NotOwnerException">The state was unregistered, or its owner stopped.</exception>
    public void Unknown() => _cell.Change(false, null);
}
