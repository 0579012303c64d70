using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;

namespace Cluster.Agents.Messages;

/// <summary>
/// A listener whose callbacks run on their own task, fed from a bounded queue, so a slow callback never
/// holds up reception. When the queue is full, <see cref="Policy"/> decides, and <see cref="DroppedCount"/>
/// counts every message that was not delivered. Each item carries its receive time.
/// </summary>
/// <remarks>Closing stops reception; the callbacks still get what was already queued, then <see cref="Completion"/> completes.</remarks>
/// <typeparam name="T">The message type.</typeparam>
public sealed class QueuedListener<T> : ListenerBase<T>
{
    private Channel<Received<T>>? _queue;
    private TaskCompletionSource _completion = NewCompletion();
    private long _dropped;

    /// <summary>Creates a closed queued listener on the channel named for <typeparamref name="T"/>.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="capacity">How many messages the queue holds.</param>
    /// <param name="policy">What to do when it is full.</param>
    /// <param name="topics">Exact topic names to listen to; none means every topic of the channel.</param>
    public QueuedListener(ActorSystem system, int capacity, OverflowPolicy policy, params string[] topics)
        : this(system, MessageChannel.Of<T>(), capacity, policy, topics)
    {
    }

    /// <summary>Creates a closed queued listener on a named channel.</summary>
    /// <param name="system">The node's actor system.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="capacity">How many messages the queue holds.</param>
    /// <param name="policy">What to do when it is full.</param>
    /// <param name="topics">Exact topic names to listen to; none means every topic of the channel.</param>
    public QueuedListener(ActorSystem system, string channel, int capacity, OverflowPolicy policy, params string[] topics)
        : base(system, channel, topics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        Policy = policy;
    }

    /// <summary>Gets how many messages the queue holds.</summary>
    public int Capacity { get; }

    /// <summary>Gets what happens to a message that arrives when the queue is full.</summary>
    public OverflowPolicy Policy { get; }

    /// <summary>Gets how many messages were dropped because the queue was full.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Gets a task that completes when the listener has closed and its callbacks have had every queued message; it faults on overflow under <see cref="OverflowPolicy.Fail"/>.</summary>
    public Task Completion => Volatile.Read(ref _completion).Task;

    /// <inheritdoc />
    protected override void OnOpening()
    {
        var mode = Policy switch
        {
            OverflowPolicy.DropOldest => BoundedChannelFullMode.DropOldest,
            OverflowPolicy.DropNewest => BoundedChannelFullMode.DropWrite,
            _ => BoundedChannelFullMode.Wait,
        };
        var options = new BoundedChannelOptions(Capacity) { FullMode = mode, SingleReader = true, SingleWriter = true };
        var queue = System.Threading.Channels.Channel.CreateBounded<Received<T>>(options, _ => Interlocked.Increment(ref _dropped));
        var completion = NewCompletion();
        _queue = queue;
        Volatile.Write(ref _completion, completion);
        _ = Task.Run(() => ConsumeAsync(queue.Reader, completion));
    }

    /// <inheritdoc />
    protected override void OnClosed() => _queue?.Writer.TryComplete();

    /// <inheritdoc />
    protected override void OnReceived(Received<T> item)
    {
        var queue = _queue;
        if (queue is null || queue.Writer.TryWrite(item))
        {
            return;
        }

        // Only the Fail policy refuses a write; the drop policies make room or drop through the callback above.
        Interlocked.Increment(ref _dropped);
        var overflow = new QueueOverflowException(Channel, item.Topic, Capacity);
        Log.Error(overflow, "{0}", overflow.Message);
        queue.Writer.TryComplete(overflow);
        Close();
    }

    private async Task ConsumeAsync(ChannelReader<Received<T>> reader, TaskCompletionSource completion)
    {
        try
        {
            await foreach (var item in reader.ReadAllAsync().ConfigureAwait(false))
            {
                InvokeCallbacks(item);
            }

            await reader.Completion.ConfigureAwait(false);
            completion.TrySetResult();
        }
        catch (Exception e)
        {
            completion.TrySetException(e);
        }
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
