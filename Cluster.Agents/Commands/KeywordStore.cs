using System.Text.Json.Nodes;

namespace Cluster.Agents.Commands;

/// <summary>Keeps every output of each keyword an actor writes, to read back the first or the last ones (clu's <c>KeywordStore</c>); thread-safe.</summary>
public sealed class KeywordStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<KeywordRecord>> _records = new(StringComparer.Ordinal);
    private readonly HashSet<string>? _only;

    /// <summary>Creates a store that keeps every keyword, or only those in <paramref name="keywords"/>.</summary>
    /// <param name="keywords">The keywords to keep; null keeps all.</param>
    public KeywordStore(IEnumerable<string>? keywords = null) => _only = keywords is null ? null : new HashSet<string>(keywords, StringComparer.Ordinal);

    /// <summary>Gets the names of the keywords seen so far.</summary>
    public IReadOnlyList<string> Keywords
    {
        get
        {
            lock (_gate)
            {
                return [.. _records.Keys];
            }
        }
    }

    /// <summary>Records each keyword of one reply.</summary>
    /// <param name="code">The reply's message code.</param>
    /// <param name="keywords">The reply's keywords.</param>
    /// <param name="time">When it was written.</param>
    public void Add(char code, JsonObject keywords, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        lock (_gate)
        {
            foreach (var (name, value) in keywords)
            {
                if (_only is not null && !_only.Contains(name))
                {
                    continue;
                }

                if (!_records.TryGetValue(name, out var list))
                {
                    _records[name] = list = [];
                }

                list.Add(new KeywordRecord(name, code, time, value?.DeepClone()));
            }
        }
    }

    /// <summary>Gets the first <paramref name="count"/> outputs of <paramref name="keyword"/>, oldest first; fewer when fewer exist.</summary>
    /// <param name="keyword">The keyword.</param>
    /// <param name="count">How many; at least 1.</param>
    /// <returns>The outputs; empty for a keyword never seen.</returns>
    public IReadOnlyList<KeywordRecord> Head(string keyword, int count = 1) => Slice(keyword, count, fromEnd: false);

    /// <summary>Gets the last <paramref name="count"/> outputs of <paramref name="keyword"/>, oldest first; fewer when fewer exist.</summary>
    /// <param name="keyword">The keyword.</param>
    /// <param name="count">How many; at least 1.</param>
    /// <returns>The outputs; empty for a keyword never seen.</returns>
    public IReadOnlyList<KeywordRecord> Tail(string keyword, int count = 1) => Slice(keyword, count, fromEnd: true);

    private IReadOnlyList<KeywordRecord> Slice(string keyword, int count, bool fromEnd)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            if (!_records.TryGetValue(keyword, out var list))
            {
                return [];
            }

            var take = Math.Min(count, list.Count);
            return fromEnd ? list.GetRange(list.Count - take, take) : list.GetRange(0, take);
        }
    }
}
