using Akka.Actor;

namespace Cluster.Contracts.Clocks;

/// <summary>
/// A clock source tells a node's cluster clock service that it drives the cluster's time; it sends this to
/// every host node that comes up, and to its own node when it starts.
/// </summary>
/// <param name="Source">The clock source actor.</param>
/// <param name="SourceId">The source's full actor path, which it publishes its ticks under as the topic sender.</param>
public sealed record ClockSourceAnnounced(IActorRef Source, string SourceId) : IClusterMessage;

/// <summary>
/// A node that follows the cluster's clock asks the source to count it as a follower; the source answers
/// with its current <see cref="ClockTick"/>, sent directly, and from then on waits for the node's acknowledgements.
/// </summary>
/// <param name="Node">The following node's address.</param>
/// <param name="Time">The node's clock time when it asked.</param>
public sealed record FollowClock(string Node, double Time) : IClusterMessage;

/// <summary>A follower acknowledges a tick: its clock has reached the tick's time and every timer due by then has run.</summary>
/// <param name="Sequence">The tick's sequence number; it acknowledges every earlier tick too.</param>
/// <param name="Time">The follower's clock time after the tick.</param>
public sealed record ClockTickApplied(long Sequence, double Time) : IClusterMessage;
