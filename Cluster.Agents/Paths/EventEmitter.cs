using Akka.Actor;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Paths;

namespace Cluster.Agents.Paths;

/// <summary>Emits the events of a registered event path to every listener in the cluster.</summary>
/// <typeparam name="T">The type of the events' payloads.</typeparam>
public sealed class EventEmitter<T> : PathRegistration
{
    private readonly TopicBus _bus;
    private readonly string _topic;

    internal EventEmitter(ActorSystem system, string path, IActorRef actor)
        : base(system, path, PathKind.Event, actor)
    {
        _bus = TopicBus.Get(system);
        _topic = PathTopics.Event(path);
    }

    /// <summary>Emits <paramref name="payload"/>: every listener receives it once, after the events emitted before it.</summary>
    /// <param name="payload">The event's payload; any type the cluster's serializer carries.</param>
    /// <exception cref="ArgumentException">The payload cannot be serialized.</exception>
    public void Emit(T payload) => _bus.Publish(_topic, new EventEmitted(Path, payload), Path);
}
