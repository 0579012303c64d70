using Akka.Actor;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Paths;

namespace Cluster.Agents.Paths;

// The owner's copy of a state, shared by its handle (which changes it from any thread) and its actor (which answers
// observers). A change is published under the lock, so observers receive the versions in order.
internal sealed class StateCell(string path, TopicBus bus, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly string _topic = PathTopics.State(path);
    private long _version;
    private bool _known;
    private object? _value;
    private long _changedAt = clock.GetTimestamp();
    private bool _closed;

    public IActorRef Owner { get; set; } = ActorRefs.Nobody;

    public void Change(bool known, object? value)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new NotOwnerException(path, $"The state '{path}' is no longer owned by this handle: it was unregistered, or its owner stopped.");
            }

            _version++;
            _known = known;
            _value = known ? value : null;
            _changedAt = clock.GetTimestamp();
            bus.Publish(_topic, new StateChanged(path, Owner, _version, known, _value), path);
        }
    }

    // Version 0 tells observers who the new owner is, so they follow it without waiting for the registry.
    public void Announce()
    {
        lock (_gate)
        {
            bus.Publish(_topic, new StateChanged(path, Owner, _version, _known, _value), path);
        }
    }

    public StateSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new StateSnapshot(Owner, _version, _known, _value, clock.GetElapsedTime(_changedAt));
        }
    }

    public object? Get()
    {
        lock (_gate)
        {
            return _known ? _value : throw new StateUnknownException(path);
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }
}
