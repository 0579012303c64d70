using Akka.Actor;
using Cluster.Agents.Core.Clocks;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Core.ClusterTime;

/// <summary>
/// The node's cluster clock service, an ActorSystem extension with an actor at <c>/system/cluster-clock</c>:
/// on a node whose clock mode is <c>follow</c> it sets the node's clock from the cluster's clock source, and on
/// every host node it routes clock commands (<see cref="IClockCommand"/>) to that source.
/// </summary>
/// <remarks>
/// <para>
/// Every host starts it with the node (<c>akka.extensions</c> in <c>hocon/host.conf</c>). A
/// <see cref="ClockSource"/> announces itself to the service of every host node that comes up; a following
/// node then subscribes to <see cref="Topic"/>, asks the source to count it as a follower, sets its clock to
/// each tick in order (ticks at or before its current time are skipped) and acknowledges each tick once every
/// timer due by then has run. The source's first answer is its current tick, so a node that joins late starts
/// from the current time.
/// </para>
/// <para>
/// Before the first tick a following node's clock reads 0 and its timers wait. Timer actions run on the
/// service's actor, inside <see cref="ExternalClock.SetTime(double)"/>: they must be short (tell an actor).
/// </para>
/// </remarks>
public sealed class ClusterClock : IExtension
{
    /// <summary>The topic the clock source publishes its <see cref="Cluster.Contracts.Clocks.ClockTick"/>s on.</summary>
    public const string Topic = "clock/time";

    /// <summary>The name of the service's actor under <c>/system</c>.</summary>
    public const string ActorName = "cluster-clock";

    private ClusterClock(ExtendedActorSystem system)
    {
        Actor = system.SystemActorOf(ClusterClockActor.Props(NodeClock.Get(system)), ActorName);
    }

    /// <summary>Gets the service's actor: send it <see cref="IClockCommand"/>s to reach the clock source.</summary>
    public IActorRef Actor { get; }

    /// <summary>Gets the cluster clock service of <paramref name="system"/>, starting it if needed.</summary>
    /// <param name="system">The actor system; a host node of the cluster.</param>
    /// <returns>The service.</returns>
    public static ClusterClock Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<ClusterClock, Provider>();
    }

    /// <summary>Asks the cluster's clock source for its state.</summary>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The source's state.</returns>
    /// <exception cref="InvalidOperationException">No clock source runs in the cluster.</exception>
    public Task<ClockStatus> GetStatusAsync(TimeSpan timeout) => AskAsync(GetClockStatus.Instance, timeout);

    /// <summary>
    /// Advances the cluster's time by <paramref name="duration"/> in one tick, leaving the source in step mode;
    /// completes once every follower has applied it.
    /// </summary>
    /// <param name="duration">How far to advance; positive.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The source's state after the step.</returns>
    /// <exception cref="InvalidOperationException">No clock source runs, or it refused the step.</exception>
    public Task<ClockStatus> StepAsync(TimeSpan duration, TimeSpan timeout) => AskAsync(new StepClock(duration), timeout);

    /// <summary>Puts the clock source in run mode.</summary>
    /// <param name="rate">Simulated seconds per wall second; 0 to run as fast as the followers allow.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The source's state.</returns>
    /// <exception cref="InvalidOperationException">No clock source runs, or it refused the rate.</exception>
    public Task<ClockStatus> RunAsync(double rate, TimeSpan timeout) => AskAsync(new RunClock(rate), timeout);

    /// <summary>Pauses the clock source: time stops advancing.</summary>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <returns>The source's state.</returns>
    /// <exception cref="InvalidOperationException">No clock source runs in the cluster.</exception>
    public Task<ClockStatus> PauseAsync(TimeSpan timeout) => AskAsync(PauseClock.Instance, timeout);

    /// <summary>Hands a clock command to the service, which routes it to the source; the answer goes to <paramref name="sender"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="sender">Who gets the <see cref="ClockStatus"/> or <see cref="ClockCommandFailed"/>.</param>
    public void Forward(IClockCommand command, IActorRef sender) => Actor.Tell(command, sender);

    private async Task<ClockStatus> AskAsync(IClockCommand command, TimeSpan timeout)
    {
        var answer = await Actor.Ask<object>(command, timeout).ConfigureAwait(false);
        return answer switch
        {
            ClockStatus status => status,
            ClockCommandFailed failed => throw new InvalidOperationException(failed.Error),
            _ => throw new InvalidOperationException($"unexpected answer {answer.GetType().Name} from the clock source."),
        };
    }

    /// <summary>Creates the <see cref="ClusterClock"/> extension; list it in <c>akka.extensions</c> to start the service with the node.</summary>
    public sealed class Provider : ExtensionIdProvider<ClusterClock>
    {
        /// <inheritdoc />
        public override ClusterClock CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
