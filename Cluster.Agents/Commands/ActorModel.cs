using System.Text.Json.Nodes;
using Cluster.Contracts.Commands;

namespace Cluster.Agents.Commands;

/// <summary>
/// A client's live model of one actor's keywords (clu's <c>Model</c>): the last value of each keyword its replies carried, with when it
/// was last seen. Nested dictionaries merge; keywords outside the schema are kept and marked; callbacks run once per update, in order. Thread-safe.
/// </summary>
public sealed class ActorModel
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ModelKeyword> _keywords = new(StringComparer.Ordinal);
    private readonly List<Action<ActorModel, IReadOnlyList<string>>> _callbacks = [];
    private readonly HashSet<string> _declared;

    /// <summary>Creates the model of <paramref name="actor"/> with the schema it answered to <c>get-schema</c>.</summary>
    /// <param name="actor">The actor's name.</param>
    /// <param name="schema">The schema's JSON text, or null when the actor has none.</param>
    /// <exception cref="ArgumentException">The schema is not a JSON object.</exception>
    public ActorModel(string actor, string? schema)
    {
        Actor = actor;
        Schema = schema is null ? null : JsonNode.Parse(schema) as JsonObject ?? throw new ArgumentException($"The schema of '{actor}' is not a JSON object.", nameof(schema));
        _declared = Schema?["properties"] is JsonObject properties ? properties.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) : [];
    }

    /// <summary>Gets the actor's name.</summary>
    public string Actor { get; }

    /// <summary>Gets the actor's schema, or null.</summary>
    public JsonObject? Schema { get; }

    /// <summary>Gets a snapshot of every keyword seen so far.</summary>
    public IReadOnlyDictionary<string, ModelKeyword> Keywords
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, ModelKeyword>(_keywords, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Gets one keyword, or null when it has not been seen.</summary>
    /// <param name="keyword">The keyword's name.</param>
    public ModelKeyword? this[string keyword]
    {
        get
        {
            lock (_gate)
            {
                return _keywords.GetValueOrDefault(keyword);
            }
        }
    }

    /// <summary>Calls <paramref name="callback"/> once per update with the model and the keywords the update carried, in the order of the updates.</summary>
    /// <param name="callback">The callback; it runs on the thread that delivered the reply and must not block.</param>
    /// <returns>Disposing it removes the callback.</returns>
    public IDisposable OnUpdate(Action<ActorModel, IReadOnlyList<string>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            _callbacks.Add(callback);
        }

        return new Removal(() =>
        {
            lock (_gate)
            {
                _callbacks.Remove(callback);
            }
        });
    }

    /// <summary>Updates the model with one reply of the actor.</summary>
    /// <param name="reply">The reply; replies of other actors are ignored.</param>
    public void Update(CommandReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Sender == Actor)
        {
            Update(Commands.Keywords.Parse(reply.Data), reply.Time);
        }
    }

    /// <summary>Updates the model with keywords seen at <paramref name="time"/>.</summary>
    /// <param name="keywords">The keywords.</param>
    /// <param name="time">When they were written.</param>
    public void Update(JsonObject keywords, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        if (keywords.Count == 0)
        {
            return;
        }

        // Held across the callbacks so that two updates on two threads reach them in the order they were applied.
        lock (_gate)
        {
            var names = new List<string>(keywords.Count);
            foreach (var (name, value) in keywords)
            {
                var merged = _keywords.TryGetValue(name, out var old) && old.Value is JsonObject before && value is JsonObject after
                    ? Merge((JsonObject)before.DeepClone(), after)
                    : value?.DeepClone();
                _keywords[name] = new ModelKeyword(name, merged, time, _declared.Contains(name));
                names.Add(name);
            }

            foreach (var callback in _callbacks.ToArray())
            {
                callback(this, names);
            }
        }
    }

    private static JsonObject Merge(JsonObject into, JsonObject from)
    {
        foreach (var (key, value) in from)
        {
            into[key] = into[key] is JsonObject nested && value is JsonObject next ? Merge(nested, next) : value?.DeepClone();
        }

        return into;
    }

    private sealed class Removal(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }
}
