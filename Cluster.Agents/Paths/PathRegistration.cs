using Akka.Actor;
using Cluster.Agents.Core.Registry;

namespace Cluster.Agents.Paths;

/// <summary>Holds a registered path for its owner; dispose it to give the path up.</summary>
public class PathRegistration : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private int _disposed;

    internal PathRegistration(ActorSystem system, string path, PathKind kind, IActorRef actor)
    {
        _system = system;
        Path = path;
        Kind = kind;
        Actor = actor;
    }

    /// <summary>Gets the absolute path.</summary>
    public string Path { get; }

    /// <summary>Gets what the path is.</summary>
    public PathKind Kind { get; }

    /// <summary>Gets the actor that answers for the path, as the registry holds it.</summary>
    public IActorRef Actor { get; }

    /// <summary>Unregisters the path cluster-wide and stops the actor that answered for it.</summary>
    /// <returns>A task that completes once this node's registry has dropped the path.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        GC.SuppressFinalize(this);
        try
        {
            await NameRegistry.Get(_system).UnregisterAsync(Path).ConfigureAwait(false);
        }
        finally
        {
            _system.Stop(Actor);
        }
    }
}
