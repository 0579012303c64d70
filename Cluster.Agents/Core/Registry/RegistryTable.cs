using System.Collections.Immutable;
using Akka.Actor;

namespace Cluster.Agents.Core.Registry;

/// <summary>
/// The registrations every node holds, as one registry knows them, and the view that resolves each name
/// to one of them. Pure state, no actor: the registry actor drives it and tests can drive it directly.
/// </summary>
/// <remarks>
/// Each node's set is written only by that node; the view is a function of the sets. When two nodes hold
/// the same name, the registration with the earlier <see cref="RegistryEntry.RegisteredAt"/> wins, ties broken
/// by the ordinal order of the node addresses, so every node that knows both picks the same winner whatever
/// order the announcements arrived in. A local registration that loses is reported as revoked.
/// </remarks>
internal sealed class RegistryTable
{
    private readonly Dictionary<Address, Dictionary<string, RegistryEntry>> _sets = [];

    public RegistryTable(Address self)
    {
        Self = self;
        _sets[self] = new Dictionary<string, RegistryEntry>(StringComparer.Ordinal);
    }

    public Address Self { get; }

    public ImmutableSortedDictionary<string, RegistryEntry> View { get; private set; } = RegistryView.Empty.ByName;

    public IReadOnlyDictionary<string, RegistryEntry> Local => _sets[Self];

    public IEnumerable<Address> Nodes => _sets.Keys;

    /// <summary>Orders two registrations of one name: the smaller wins.</summary>
    public static int Compare(RegistryEntry a, RegistryEntry b)
    {
        var byTime = a.RegisteredAt.UtcTicks.CompareTo(b.RegisteredAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Node.ToString(), b.Node.ToString());
    }

    public IReadOnlyCollection<RegistryEntry> EntriesOf(Address node) =>
        _sets.TryGetValue(node, out var set) ? set.Values : [];

    /// <summary>Adds or replaces one registration of <paramref name="node"/>.</summary>
    /// <returns>The local registrations that lost their name to it.</returns>
    public IReadOnlyList<(RegistryEntry Lost, RegistryEntry Winner)> Set(Address node, RegistryEntry entry)
    {
        SetOf(node)[entry.Name] = entry;
        return Resolve([entry.Name]);
    }

    /// <summary>Removes one registration of <paramref name="node"/>, if it holds the name.</summary>
    public IReadOnlyList<(RegistryEntry Lost, RegistryEntry Winner)> Remove(Address node, string name) =>
        _sets.TryGetValue(node, out var set) && set.Remove(name) ? Resolve([name]) : [];

    /// <summary>Replaces every registration of a remote <paramref name="node"/>.</summary>
    public IReadOnlyList<(RegistryEntry Lost, RegistryEntry Winner)> Replace(Address node, IEnumerable<RegistryEntry> entries)
    {
        var set = SetOf(node);
        var affected = new HashSet<string>(set.Keys, StringComparer.Ordinal);
        set.Clear();
        foreach (var entry in entries)
        {
            set[entry.Name] = entry;
            affected.Add(entry.Name);
        }

        return Resolve(affected);
    }

    /// <summary>Forgets a remote node and every registration it held.</summary>
    public IReadOnlyList<(RegistryEntry Lost, RegistryEntry Winner)> Drop(Address node)
    {
        if (node == Self || !_sets.Remove(node, out var set))
        {
            return [];
        }

        return Resolve(set.Keys);
    }

    private Dictionary<string, RegistryEntry> SetOf(Address node)
    {
        if (!_sets.TryGetValue(node, out var set))
        {
            set = new Dictionary<string, RegistryEntry>(StringComparer.Ordinal);
            _sets[node] = set;
        }

        return set;
    }

    private List<(RegistryEntry Lost, RegistryEntry Winner)> Resolve(IEnumerable<string> names)
    {
        var lost = new List<(RegistryEntry Lost, RegistryEntry Winner)>();
        var view = View.ToBuilder();
        foreach (var name in names)
        {
            RegistryEntry? winner = null;
            foreach (var set in _sets.Values)
            {
                if (set.TryGetValue(name, out var candidate) && (winner is null || Compare(candidate, winner) < 0))
                {
                    winner = candidate;
                }
            }

            if (winner is null)
            {
                view.Remove(name);
                continue;
            }

            view[name] = winner;
            if (Local.TryGetValue(name, out var local) && !ReferenceEquals(local, winner))
            {
                lost.Add((local, winner));
            }
        }

        View = view.ToImmutable();
        return lost;
    }
}
