using Akka.Actor;
using Cluster.Agents.Core.Registry;

namespace Cluster.Agents.Devices;

/// <summary>Starts devices and waits until they are running, so a name already taken is an exception to the starter.</summary>
public static class DeviceHost
{
    /// <summary>Starts the device <paramref name="props"/> under <paramref name="name"/> and waits until it runs.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="props">The device's props, e.g. <c>Props.Create(() => new DriveDevice())</c>.</param>
    /// <param name="name">The device's name, unique in the cluster.</param>
    /// <param name="timeout">How long to wait; 10 s when null.</param>
    /// <returns>The running device.</returns>
    /// <exception cref="DuplicateNameException">Another device or agent holds the name; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The device stopped while starting.</exception>
    /// <exception cref="TimeoutException">It did not start in time.</exception>
    public static async Task<IActorRef> StartAsync(ActorSystem system, Props props, string name, TimeSpan? timeout = null)
    {
        if (NameRegistry.Get(system).TryLookup(name, out var holder))
        {
            throw new DuplicateNameException(name, holder);
        }

        var device = system.ActorOf(props, name);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = system.ActorOf(Props.Create(() => new StartWaiter(device, started)));
        try
        {
            await started.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            system.Stop(device);
            throw new TimeoutException($"Device '{name}' did not start within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds} s.");
        }
        finally
        {
            system.Stop(waiter);
        }

        return device;
    }

    internal sealed record AwaitStarted
    {
        public static readonly AwaitStarted Instance = new();
    }

    internal sealed record Started
    {
        public static readonly Started Instance = new();
    }

    // Watches the device, so a device that stops before it answers fails the start instead of timing it out.
    private sealed class StartWaiter : ReceiveActor
    {
        public StartWaiter(IActorRef device, TaskCompletionSource started)
        {
            Receive<Started>(_ => started.TrySetResult());
            Receive<Status.Failure>(f => started.TrySetException(f.Cause));
            Receive<Terminated>(_ => started.TrySetException(new InvalidOperationException($"Device '{device.Path.Name}' stopped while starting; its log says why.")));
            Context.Watch(device);
            device.Tell(AwaitStarted.Instance);
        }
    }
}
