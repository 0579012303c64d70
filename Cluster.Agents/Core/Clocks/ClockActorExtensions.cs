using Akka.Actor;

namespace Cluster.Agents.Core.Clocks;

/// <summary>Gives actors the node's clock and lets them schedule messages on it.</summary>
public static class ClockActorExtensions
{
    /// <summary>Gets the clock of the node the actor runs on; see <see cref="NodeClock"/>.</summary>
    /// <param name="context">The actor's context, <c>Context</c> inside an actor.</param>
    /// <returns>The node's clock.</returns>
    public static Clock GetClock(this IActorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return NodeClock.Get(context.System).Clock;
    }

    /// <summary>Sends <paramref name="message"/> to <paramref name="receiver"/> once, after <paramref name="dt"/> on <paramref name="clock"/>.</summary>
    /// <param name="clock">The clock that times the message.</param>
    /// <param name="dt">The delay; positive.</param>
    /// <param name="receiver">Who receives the message.</param>
    /// <param name="message">The message.</param>
    /// <param name="sender">The message's sender, e.g. <c>Self</c>; none by default.</param>
    /// <returns>A handle that cancels the send.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dt"/> is not positive.</exception>
    public static IClockTimer ScheduleTellOnce(this Clock clock, TimeSpan dt, IActorRef receiver, object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        return clock.CallIn(dt, () => receiver.Tell(message, sender));
    }
}
