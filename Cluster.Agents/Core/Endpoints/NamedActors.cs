using Akka.Actor;
using Cluster.Agents.Core.Registry;

namespace Cluster.Agents.Core.Endpoints;

/// <summary>
/// Starts named actors (<see cref="EndpointActor"/> subclasses: devices, agents, command actors) and waits until
/// they run, so that a name already taken is an exception to whoever started them, the same way for every face.
/// </summary>
public static class NamedActors
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Starts <paramref name="props"/> under <paramref name="name"/> and waits until it has registered its name and started.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="props">The actor's props, e.g. <c>Props.Create(() =&gt; new DriveDevice())</c>.</param>
    /// <param name="name">The actor's name, unique in the cluster.</param>
    /// <param name="timeout">How long to wait; 10 s when null.</param>
    /// <returns>The running actor.</returns>
    /// <exception cref="DuplicateNameException">Another actor holds the name; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The actor stopped while starting.</exception>
    /// <exception cref="TimeoutException">It did not start in time; it is stopped.</exception>
    public static async Task<IActorRef> StartAsync(ActorSystem system, Props props, string name, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(props);
        if (NameRegistry.IsEnabled(system) && NameRegistry.Get(system).TryLookup(name, out var holder))
        {
            throw new DuplicateNameException(name, holder);
        }

        var actor = system.ActorOf(props, name);
        await AwaitStartedAsync(system, actor, timeout).ConfigureAwait(false);
        return actor;
    }

    /// <summary>
    /// Waits until <paramref name="actor"/>, an <see cref="EndpointActor"/>, has started. Call it right after creating the actor, from the
    /// code that created it: the question is in the actor's mailbox before this returns, so a start that fails is this task's exception.
    /// </summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="actor">The actor.</param>
    /// <param name="timeout">How long to wait; 10 s when null.</param>
    /// <returns>A task that completes once it runs.</returns>
    /// <exception cref="DuplicateNameException">Its name was taken; it has stopped.</exception>
    /// <exception cref="InvalidOperationException">It stopped while starting.</exception>
    /// <exception cref="TimeoutException">It did not start in time; it is stopped.</exception>
    public static async Task AwaitStartedAsync(ActorSystem system, IActorRef actor, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(actor);
        var wait = timeout ?? DefaultTimeout;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = system.ActorOf(Props.Create(() => new StartWaiter(actor, started)));
        actor.Tell(AwaitStarted.Instance, waiter);
        try
        {
            await started.Task.WaitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            system.Stop(actor);
            throw new TimeoutException($"'{actor.Path.Name}' did not start within {wait.TotalSeconds} s.");
        }
        finally
        {
            system.Stop(waiter);
        }
    }

    /// <summary>Asks an <see cref="EndpointActor"/> to say when it has started.</summary>
    internal sealed record AwaitStarted
    {
        public static readonly AwaitStarted Instance = new();
    }

    /// <summary>An <see cref="EndpointActor"/>'s answer to <see cref="AwaitStarted"/>: it runs.</summary>
    internal sealed record Started
    {
        public static readonly Started Instance = new();
    }

    // Watches the actor, so one that stops before it answers fails the start instead of timing it out.
    private sealed class StartWaiter : ReceiveActor
    {
        public StartWaiter(IActorRef actor, TaskCompletionSource started)
        {
            Receive<Started>(_ => started.TrySetResult());
            Receive<Status.Failure>(f => started.TrySetException(f.Cause));
            Receive<Terminated>(_ => started.TrySetException(new InvalidOperationException($"'{actor.Path.Name}' stopped while starting; its log says why.")));
            Context.Watch(actor);
        }
    }
}
