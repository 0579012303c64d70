using System.Collections.Concurrent;
using Akka.Actor;
using Cluster.Agents.Core.Registry;

namespace Cluster.Agents.Operator;

/// <summary>
/// The names that ran on nodes seen unreachable or leaving, remembered when the node was lost (the registry forgets them once
/// the node is removed), so that a call to one names its node rather than saying the name never existed.
/// </summary>
internal sealed class LostNames
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, (Address Node, DateTimeOffset At)> _names = new(StringComparer.Ordinal);

    public void Remember(ActorSystem system, Address node, DateTimeOffset at)
    {
        if (!NameRegistry.IsEnabled(system))
        {
            return;
        }

        foreach (var entry in NameRegistry.Get(system).Entries.Where(e => e.Node.Equals(node)))
        {
            if (_names.Count >= Capacity)
            {
                // Bounded: the oldest losses are the least likely to be asked about.
                foreach (var oldest in _names.OrderBy(n => n.Value.At).Take(Capacity / 10).Select(n => n.Key).ToList())
                {
                    _names.TryRemove(oldest, out _);
                }
            }

            _names[entry.Name] = (node, at);
        }
    }

    public bool TryGet(string name, out (Address Node, DateTimeOffset At) lost) => _names.TryGetValue(name, out lost);
}
