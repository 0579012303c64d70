using Akka.Actor;

namespace Cluster.Contracts.Paths;

// What the paths face sends between nodes: state changes and emitted events on the topic bus, and the owner's
// answer when an observer asks for a state's current value.

/// <summary>Tells a state's observers, on the topic bus, that its owner changed its value or made it unknown.</summary>
/// <param name="Path">The state's path.</param>
/// <param name="Owner">The actor that owns the state; a new owner starts its versions again.</param>
/// <param name="Version">The owner's count of changes, growing by one per change; 0 when it registers the state.</param>
/// <param name="Known">Whether the state has a value.</param>
/// <param name="Value">The value when <paramref name="Known"/>, otherwise null.</param>
public sealed record StateChanged(string Path, IActorRef Owner, long Version, bool Known, object? Value) : IClusterMessage;

/// <summary>The owner's answer to an observer that asks for a state's current value.</summary>
/// <param name="Owner">The actor that owns the state.</param>
/// <param name="Version">The owner's count of changes at the time of the answer.</param>
/// <param name="Known">Whether the state has a value.</param>
/// <param name="Value">The value when <paramref name="Known"/>, otherwise null.</param>
/// <param name="SinceChange">How long ago, on the owner's clock, the value last changed.</param>
public sealed record StateSnapshot(IActorRef Owner, long Version, bool Known, object? Value, TimeSpan SinceChange) : IClusterMessage;

/// <summary>An event emitted on a path, as its listeners receive it on the topic bus.</summary>
/// <param name="Path">The event's path.</param>
/// <param name="Payload">What was emitted.</param>
public sealed record EventEmitted(string Path, object? Payload) : IClusterMessage;
