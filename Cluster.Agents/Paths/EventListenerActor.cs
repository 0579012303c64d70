using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Topics;
using Cluster.Contracts.Paths;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Paths;

// Listens to one event for one listener: one topic subscription, the handler run once per event, in order, one at a time.
internal sealed class EventListenerActor : ReceiveActor
{
    private readonly string _path;
    private readonly TaskCompletionSource _ready;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private TopicSubscription? _subscription;

    public EventListenerActor(string path, Func<object?, Task?> handler, TaskCompletionSource ready)
    {
        _path = path;
        _ready = ready;
        Receive<TopicSubscription>(subscription =>
        {
            _subscription = subscription;
            _ready.TrySetResult();
        });
        Receive<Status.Failure>(failure =>
        {
            _ready.TrySetException(failure.Cause);
            Context.Stop(Self);
        });
        ReceiveAsync<TopicMessage>(async message =>
        {
            if (message.Payload is not EventEmitted emitted)
            {
                return;
            }

            try
            {
                if (handler(emitted.Payload) is { } pending)
                {
                    await pending.ConfigureAwait(true);
                }
            }
            catch (Exception e)
            {
                _log.Error(e, "A listener of '{0}' threw {1}: {2}", _path, e.GetType().Name, e.Message);
            }
        });
    }

    public static Props Props(string path, Func<object?, Task?> handler, TaskCompletionSource ready) =>
        Akka.Actor.Props.Create(() => new EventListenerActor(path, handler, ready));

    protected override void PreStart() => TopicBus.Get(Context.System).SubscribeAsync(PathTopics.Event(_path), Self).PipeTo(Self);

    protected override void PostStop()
    {
        _subscription?.DisposeAsync();
        _ready.TrySetException(new ObjectDisposedException($"the listener of '{_path}'", $"The listener of '{_path}' stopped before it started."));
    }
}
