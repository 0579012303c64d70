using System.Collections.Immutable;
using Akka.Actor;

namespace Cluster.Contracts.Operator;

/// <summary>What a <see cref="PathRequest"/> asks of a path.</summary>
public enum PathVerb
{
    /// <summary>List every registered path (the path is ignored).</summary>
    List,

    /// <summary>Get a state's value.</summary>
    StateGet,

    /// <summary>Set a state through its owner's setter.</summary>
    StateSet,

    /// <summary>Call an action.</summary>
    ActionCall,

    /// <summary>Get a property's value.</summary>
    PropertyGet,

    /// <summary>Set a property.</summary>
    PropertySet,
}

/// <summary>Asks a node to do one path operation with values given as JSON.</summary>
/// <param name="Verb">The operation.</param>
/// <param name="Path">The absolute path.</param>
/// <param name="JsonArgs">The arguments of a call, or the one value of a set, each one JSON value.</param>
/// <param name="Deadline">How long the operation may take (wall time).</param>
public sealed record PathRequest(PathVerb Verb, string Path, ImmutableArray<string> JsonArgs, TimeSpan Deadline) : IClusterMessage;

/// <summary>The answer to a <see cref="PathRequest"/> other than a listing, rendered as JSON.</summary>
/// <param name="Json">The value or result; <c>null</c> for a set.</param>
public sealed record PathAnswered(string Json) : IClusterMessage;

/// <summary>One registered path, as the <c>paths</c> verb lists it.</summary>
/// <param name="Path">The path.</param>
/// <param name="Kind">What it is: <c>action</c>, <c>property</c>, <c>event</c> or <c>state</c>.</param>
/// <param name="Owner">The client that owns it.</param>
/// <param name="Node">The address of the owner's node.</param>
public sealed record PathListing(string Path, string Kind, string Owner, string Node) : IClusterMessage;

/// <summary>The answer to a <see cref="PathRequest"/> with <see cref="PathVerb.List"/>.</summary>
/// <param name="Paths">Every registered path, ordered by path.</param>
public sealed record PathList(ImmutableArray<PathListing> Paths) : IClusterMessage;

/// <summary>Asks a node to watch a state, or listen to an event, and forward what it sees to a receiver as JSON.</summary>
/// <param name="Path">The absolute path.</param>
/// <param name="IsEvent">True to listen to an event; false to watch a state.</param>
/// <param name="Receiver">Where to forward each <see cref="PathSeen"/>; forwarding stops when it stops.</param>
public sealed record StartPathWatch(string Path, bool IsEvent, IActorRef Receiver) : IClusterMessage;

/// <summary>The answer to <see cref="StartPathWatch"/> once it watches.</summary>
/// <param name="Watcher">The actor that forwards; tell it <see cref="StopPathWatch"/> to stop.</param>
/// <param name="InitialJson">A state's current value as JSON (see <see cref="PathSeen"/>); null for an event.</param>
public sealed record PathWatchStarted(IActorRef Watcher, string? InitialJson) : IClusterMessage;

/// <summary>What a watch saw: a state's value, or an event's payload, as JSON.</summary>
/// <param name="Path">The path.</param>
/// <param name="Json">For a state <c>{"known":true,"value":...}</c> or <c>{"known":false}</c>; for an event its payload.</param>
public sealed record PathSeen(string Path, string Json) : IClusterMessage;

/// <summary>Stops a watch started with <see cref="StartPathWatch"/>.</summary>
public sealed record StopPathWatch : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly StopPathWatch Instance = new();

    private StopPathWatch()
    {
    }
}
