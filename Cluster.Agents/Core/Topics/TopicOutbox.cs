using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// Hands a node's publishes to the pub-sub mediator: one by one while they come at a normal pace, in batches of
/// one route while they come faster than <see cref="TopicSettings.BatchGap"/> apart.
/// </summary>
/// <remarks>
/// <para>Most of what a message costs the cluster is paid per message sent (the mediator's routing, remoting's
/// envelope and socket write, the receiving topic actor), not per byte, so a burst travels much faster as batches.
/// A publish that comes within the gap of the previous one is queued; a drain on the thread pool sends everything
/// queued, grouped by route, as soon as it runs, so the queue never waits for a timer: batches form only while the
/// publishers outpace the drain.</para>
/// <para>Order: a publish goes straight to the mediator only when nothing is queued, so it never overtakes an
/// earlier one; within a batch the envelopes keep their order.</para>
/// </remarks>
internal sealed class TopicOutbox
{
    private readonly IActorRef _mediator;
    private readonly long _gapTicks;
    private readonly long _maxBatchBytes;
    private readonly ConcurrentQueue<(string Route, TopicEnvelope Envelope)> _queue = new();
    private readonly Action<object?> _drain;
    private long _lastPublish;
    private int _queued;
    private int _draining;
    private long _batches;
    private long _batched;

    public TopicOutbox(IActorRef mediator, TopicSettings settings)
    {
        _mediator = mediator;
        _gapTicks = (long)(settings.BatchGap.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        _maxBatchBytes = settings.MaxPayloadBytes;
        _drain = _ => Drain();
    }

    /// <summary>Gets how many batches have been sent.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Gets how many publishes have travelled in batches.</summary>
    public long Batched => Interlocked.Read(ref _batched);

    /// <summary>Decides, once per publish, whether it is queued for a batch: it comes within the gap of the previous one, or others wait.</summary>
    /// <returns>True to queue the publish's envelopes.</returns>
    public bool ShouldQueue()
    {
        if (_gapTicks <= 0)
        {
            return false;
        }

        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var previous = Interlocked.Exchange(ref _lastPublish, now);
        return now - previous < _gapTicks || Volatile.Read(ref _queued) > 0;
    }

    /// <summary>Sends <paramref name="envelope"/> on <paramref name="route"/>, now or in the next batch.</summary>
    /// <param name="route">The route.</param>
    /// <param name="envelope">The envelope.</param>
    /// <param name="queue">What <see cref="ShouldQueue"/> said for this publish.</param>
    public void Send(string route, TopicEnvelope envelope, bool queue)
    {
        // Nothing queued means every earlier publish is already in the mediator's mailbox, so this one cannot overtake.
        if (!queue && Volatile.Read(ref _queued) == 0)
        {
            _mediator.Tell(new Publish(route, envelope), ActorRefs.NoSender);
            return;
        }

        Interlocked.Increment(ref _queued);
        _queue.Enqueue((route, envelope));
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_drain, null, preferLocal: false);
        }
    }

    private void Drain()
    {
        var byRoute = new Dictionary<string, (List<TopicEnvelope> Envelopes, long Bytes)>(StringComparer.Ordinal);
        while (true)
        {
            var taken = 0;
            while (taken < 10_000 && _queue.TryDequeue(out var item))
            {
                taken++;
                if (!byRoute.TryGetValue(item.Route, out var pending))
                {
                    pending = ([], 0);
                }

                // A batch stays within the remote frame: what would overflow it goes first.
                var size = WireSize(item.Envelope);
                if (pending.Envelopes.Count > 0 && pending.Bytes + size > _maxBatchBytes)
                {
                    Flush(item.Route, pending.Envelopes);
                    pending = ([], 0);
                }

                pending.Envelopes.Add(item.Envelope);
                byRoute[item.Route] = (pending.Envelopes, pending.Bytes + size);
            }

            foreach (var (route, pending) in byRoute)
            {
                Flush(route, pending.Envelopes);
            }

            byRoute.Clear();
            Interlocked.Add(ref _queued, -taken);

            Volatile.Write(ref _draining, 0);
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                return;
            }
        }
    }

    // At most what the envelope takes in a batch: UTF-8 needs up to 3 bytes per UTF-16 unit, plus lengths and the time.
    private static long WireSize(TopicEnvelope envelope) =>
        3L * (envelope.Topic.Length + envelope.Route.Length + envelope.Sender.Length) + 32 + envelope.Payload.Length;

    private void Flush(string route, List<TopicEnvelope> envelopes)
    {
        if (envelopes.Count == 1)
        {
            _mediator.Tell(new Publish(route, envelopes[0]), ActorRefs.NoSender);
            return;
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _batched, envelopes.Count);
        _mediator.Tell(new Publish(route, new TopicBatch(envelopes.ToArray())), ActorRefs.NoSender);
    }
}
