using Akka.Actor;

namespace Cluster.Agents.Paths;

/// <summary>Holds a listener of an event path; dispose it to stop listening.</summary>
public sealed class EventListening : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _listener;

    internal EventListening(ActorSystem system, string path, IActorRef listener)
    {
        _system = system;
        Path = path;
        _listener = listener;
    }

    /// <summary>Gets the absolute path of the event.</summary>
    public string Path { get; }

    /// <summary>Stops listening.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        _system.Stop(_listener);
        return ValueTask.CompletedTask;
    }
}
