using Akka.Actor;

namespace Cluster.Agents.Messages;

/// <summary>Receives untyped payloads from a named channel.</summary>
public sealed class RawListener : Listener<object>
{
    /// <summary>Creates a closed raw listener.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="topics">Exact topic names to listen to; none means every topic of the channel.</param>
    public RawListener(ActorSystem system, string channel, params string[] topics)
        : base(system, channel, topics)
    {
    }
}
