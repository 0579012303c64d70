using System.Collections.Concurrent;
using Akka.Actor;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Commands;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Commands;

/// <summary>
/// A client's live models of the actors it watches (clu's <c>ModelSet</c>): each is loaded with the actor's <c>get-schema</c> and kept up
/// to date by the actor's broadcasts and by the replies to this node's own commands.
/// </summary>
public sealed class ModelSet : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly ConcurrentDictionary<string, ActorModel> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<IAsyncDisposable> _subscriptions = [];
    private readonly IDisposable _observer;
    private IActorRef? _listener;

    /// <summary>Creates an empty set on <paramref name="system"/>'s node.</summary>
    /// <param name="system">The node's actor system.</param>
    public ModelSet(ActorSystem system)
    {
        _system = system ?? throw new ArgumentNullException(nameof(system));
        _observer = CommandClient.Get(system).ObserveReplies(Update);
    }

    /// <summary>Gets the model of a watched actor.</summary>
    /// <param name="actor">The actor's name.</param>
    /// <exception cref="KeyNotFoundException">The actor is not watched.</exception>
    public ActorModel this[string actor] => _models.TryGetValue(actor, out var model) ? model : throw new KeyNotFoundException($"'{actor}' is not watched; call WatchAsync first.");

    /// <summary>Starts watching <paramref name="actor"/>: asks its schema and listens to its broadcasts.</summary>
    /// <param name="actor">The actor's name.</param>
    /// <param name="deadline">How long to wait for the schema.</param>
    /// <returns>The actor's model.</returns>
    /// <exception cref="InvalidOperationException">The actor did not answer <c>get-schema</c>; the message says why.</exception>
    public async Task<ActorModel> WatchAsync(string actor, TimeSpan deadline)
    {
        if (_models.TryGetValue(actor, out var existing))
        {
            return existing;
        }

        var handle = CommandClient.Get(_system).SendCommand(actor, "get-schema");
        var status = await handle.Completion.WaitAsync(deadline).ConfigureAwait(false);
        if (status != CommandStatus.Done)
        {
            var reason = handle.Replies.LastOrDefault()?.Data ?? "no reply";
            throw new InvalidOperationException($"Could not load the schema of '{actor}': {reason}");
        }

        var model = _models.GetOrAdd(actor, name => new ActorModel(name, handle.Get("schema")?.GetValue<string>()));
        if (_system is ExtendedActorSystem { Provider: Akka.Cluster.IClusterActorRefProvider })
        {
            _listener ??= _system.ActorOf(Props.Create(() => new Listener(this)));
            _subscriptions.Add(await TopicBus.Get(_system).SubscribeAsync(CommandActor.BroadcastTopic(actor), _listener).ConfigureAwait(false));
        }

        return model;
    }

    /// <summary>Stops listening.</summary>
    /// <returns>A task that completes when the subscriptions have ended.</returns>
    public async ValueTask DisposeAsync()
    {
        _observer.Dispose();
        foreach (var subscription in _subscriptions)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }

        if (_listener is not null)
        {
            _system.Stop(_listener);
        }
    }

    private void Update(CommandReply reply)
    {
        if (_models.TryGetValue(reply.Sender, out var model))
        {
            model.Update(reply);
        }
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(ModelSet set) => Receive<TopicMessage>(message =>
        {
            if (message.Payload is CommandReply reply)
            {
                set.Update(reply);
            }
        });
    }
}
