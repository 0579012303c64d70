namespace Cluster.Agents.Core.Topics;

/// <summary>
/// Payloads that arrived over the lanes, until the envelopes that name them claim them; and envelopes that came
/// first, until their bytes arrive. One payload is claimed once per route it was sent for.
/// </summary>
/// <remarks>
/// A lane carries its payloads in id order, so once a payload arrived every smaller id of that node that has not
/// arrived never will: its envelope is told at once that the bytes are lost. So is the envelope of a payload the
/// lane broke in the middle of, and of every id below where a new connection starts.
/// </remarks>
internal sealed class LaneInbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Node, long Id), Held> _held = [];
    private readonly Dictionary<(string Node, long Id), List<Waiter>> _waiting = [];
    private readonly Dictionary<string, long> _next = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _active = new(StringComparer.Ordinal);
    private long _unclaimed;
    private long _lost;

    /// <summary>Gets how many payloads arrived that no envelope claimed in time; each was dropped.</summary>
    public long Unclaimed => Interlocked.Read(ref _unclaimed);

    /// <summary>Gets how many envelopes named bytes that never came; each was dropped.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Gets how many payloads wait for their envelopes now.</summary>
    public int HeldCount
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>
    /// Claims payload <paramref name="id"/> from <paramref name="node"/>: the result now if it is here or known lost,
    /// otherwise null and <paramref name="later"/> is called once with it (on another thread).
    /// </summary>
    public LaneClaim? Claim(string node, long id, Action<LaneClaim> later)
    {
        lock (_gate)
        {
            var key = (node, id);
            if (_held.TryGetValue(key, out var held))
            {
                held.Buffer.AddReference();
                if (--held.Claims == 0)
                {
                    _held.Remove(key);
                    held.Buffer.Release();
                }

                return new LaneClaim(held.Buffer, held.Flags);
            }

            if (_next.TryGetValue(node, out var next) && id < next)
            {
                Interlocked.Increment(ref _lost);
                return LaneClaim.Lost;
            }

            if (!_waiting.TryGetValue(key, out var waiters))
            {
                _waiting[key] = waiters = [];
            }

            waiters.Add(new Waiter(later, Environment.TickCount64));
            return null;
        }
    }

    /// <summary>
    /// The lane from <paramref name="node"/> is alive though nothing arrives: it waits for room on a reliable topic.
    /// Envelopes waiting for its bytes keep waiting while it is.
    /// </summary>
    public void Touch(string node) => Touch(node, Environment.TickCount64);

    /// <summary>Records the lane from <paramref name="node"/> alive at <paramref name="at"/> (<see cref="Environment.TickCount64"/>).</summary>
    internal void Touch(string node, long at) => _active[node] = at;

    /// <summary>Takes over one reference to <paramref name="buffer"/>, a payload that arrived whole.</summary>
    public void Arrived(string node, long id, LaneBuffer buffer, byte flags, int routes)
    {
        Touch(node);
        var ready = new List<(Action<LaneClaim>, LaneClaim)>();
        lock (_gate)
        {
            MarkUpTo(node, id, ready);
            var claims = Math.Max(routes, 1);
            if (_waiting.Remove((node, id), out var waiters))
            {
                foreach (var waiter in waiters)
                {
                    buffer.AddReference();
                    ready.Add((waiter.Later, new LaneClaim(buffer, flags)));
                    claims--;
                }
            }

            if (claims > 0)
            {
                _held[(node, id)] = new Held(buffer, flags, claims, Environment.TickCount64);
            }
            else
            {
                buffer.Release();
            }
        }

        Complete(ready);
    }

    /// <summary>Payload <paramref name="id"/> from <paramref name="node"/> will not come: the lane broke in its middle.</summary>
    public void Broke(string node, long id) => Connected(node, id + 1);

    /// <summary>A connection from <paramref name="node"/> starts at <paramref name="firstId"/>: nothing below it will come any more.</summary>
    public void Connected(string node, long firstId)
    {
        var ready = new List<(Action<LaneClaim>, LaneClaim)>();
        lock (_gate)
        {
            MarkUpTo(node, firstId, ready);
        }

        Complete(ready);
    }

    /// <summary>The node left: nothing more comes from it, and what it sent is dropped.</summary>
    public void Forget(string node)
    {
        var ready = new List<(Action<LaneClaim>, LaneClaim)>();
        lock (_gate)
        {
            foreach (var key in _waiting.Keys.Where(k => k.Node == node).ToList())
            {
                Fail(key, ready);
            }

            foreach (var key in _held.Keys.Where(k => k.Node == node).ToList())
            {
                _held.Remove(key, out var held);
                held!.Buffer.Release();
                Interlocked.Increment(ref _unclaimed);
            }

            _next.Remove(node);
            _active.TryRemove(node, out _);
        }

        Complete(ready);
    }

    /// <summary>Drops what waited longer than <paramref name="hold"/>.</summary>
    public void Sweep(TimeSpan hold)
    {
        var ready = new List<(Action<LaneClaim>, LaneClaim)>();
        var before = Environment.TickCount64 - (long)hold.TotalMilliseconds;
        lock (_gate)
        {
            foreach (var (key, held) in _held.Where(h => h.Value.Since < before).ToList())
            {
                _held.Remove(key);
                held.Buffer.Release();
                Interlocked.Increment(ref _unclaimed);
            }

            // Bytes come in order: while a lane still delivers (or waits for room), what its envelopes wait for is on its way.
            foreach (var key in _waiting.Where(w => w.Value[0].Since < before && (!_active.TryGetValue(w.Key.Node, out var active) || active < before)).Select(w => w.Key).ToList())
            {
                Fail(key, ready);
            }
        }

        Complete(ready);
    }

    /// <summary>Gives back everything held.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var held in _held.Values)
            {
                held.Buffer.Release();
            }

            _held.Clear();
        }
    }

    private static void Complete(List<(Action<LaneClaim> Later, LaneClaim Claim)> ready)
    {
        foreach (var (later, claim) in ready)
        {
            later(claim);
        }
    }

    // Every id of the node below `next` that has not arrived never will.
    private void MarkUpTo(string node, long next, List<(Action<LaneClaim>, LaneClaim)> ready)
    {
        if (_next.TryGetValue(node, out var known) && known >= next)
        {
            return;
        }

        _next[node] = next;
        if (_waiting.Count == 0)
        {
            return;
        }

        foreach (var key in _waiting.Keys.Where(k => k.Node == node && k.Id < next).ToList())
        {
            Fail(key, ready);
        }
    }

    private void Fail((string, long) key, List<(Action<LaneClaim>, LaneClaim)> ready)
    {
        _waiting.Remove(key, out var waiters);
        foreach (var waiter in waiters!)
        {
            Interlocked.Increment(ref _lost);
            ready.Add((waiter.Later, LaneClaim.Lost));
        }
    }

    private sealed class Held(LaneBuffer buffer, byte flags, int claims, long since)
    {
        public LaneBuffer Buffer { get; } = buffer;

        public byte Flags { get; } = flags;

        public int Claims { get; set; } = claims;

        public long Since { get; } = since;
    }

    private sealed record Waiter(Action<LaneClaim> Later, long Since);
}

/// <summary>A claimed payload: its bytes with one reference for the claimer, or none when they are lost.</summary>
/// <param name="Buffer">The bytes, or null when lost.</param>
/// <param name="Flags">The payload's lane flags.</param>
internal readonly record struct LaneClaim(LaneBuffer? Buffer, byte Flags)
{
    public static LaneClaim Lost => default;
}
