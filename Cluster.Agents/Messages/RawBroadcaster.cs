using Akka.Actor;

namespace Cluster.Agents.Messages;

/// <summary>Publishes untyped payloads on a named channel: any payload the cluster's serializer carries.</summary>
public sealed class RawBroadcaster : Broadcaster<object>
{
    /// <summary>Creates a raw broadcaster.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="topic">The default topic; the channel's name when null.</param>
    /// <param name="sender">Who publishes; the node's address when null.</param>
    public RawBroadcaster(ActorSystem system, string channel, string? topic = null, string? sender = null)
        : base(system, channel, topic ?? channel, sender)
    {
    }
}
