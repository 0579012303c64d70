using Cluster.Bench.Support;
using NetMQ;
using NetMQ.Sockets;

namespace Cluster.Bench.Baselines;

/// <summary>
/// NetMQ PUB/SUB over loopback TCP, as it comes (its default buffer pool): each payload copied once into a NetMQ
/// message; the subscriber runs on its own thread.
/// </summary>
public sealed class NetMqLane : ILanePath
{
    private readonly PublisherSocket _publisher;
    private readonly SubscriberSocket _subscriber;
    private readonly Thread _receiver;
    private volatile bool _stopping;

    private NetMqLane(PublisherSocket publisher, SubscriberSocket subscriber, LaneHandoff handoff)
    {
        _publisher = publisher;
        _subscriber = subscriber;
        Handoff = handoff;
        _receiver = new Thread(Receive) { IsBackground = true, Name = "netmq-sub" };
        _receiver.Start();
    }

    /// <inheritdoc />
    public string Name => "NetMQ";

    /// <inheritdoc />
    public LaneHandoff Handoff { get; }

    /// <summary>Binds a publisher on 127.0.0.1, connects a subscriber, and waits until probes reach it.</summary>
    /// <param name="handoff">What the subscriber reports to.</param>
    /// <returns>The path.</returns>
    public static NetMqLane Start(LaneHandoff handoff)
    {
        var publisher = new PublisherSocket();
        // No high-water mark: the credits bound what is in flight, and NetMQ would drop past one.
        publisher.Options.SendHighWatermark = 0;
        var port = publisher.BindRandomPort("tcp://127.0.0.1");
        var subscriber = new SubscriberSocket();
        subscriber.Options.ReceiveHighWatermark = 0;
        subscriber.Connect($"tcp://127.0.0.1:{port}");
        subscriber.SubscribeToAnyTopic();
        var path = new NetMqLane(publisher, subscriber, handoff);
        var deadline = Stopwatch.StartNew();
        do
        {
            publisher.SendFrame(new byte[1]);
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("No NetMQ probe reached the subscriber in 10 s.");
            }
        }
        while (!handoff.Probes.Wait(20));

        // Late probes still in flight would count as payloads.
        Thread.Sleep(100);
        while (handoff.Probes.Wait(0))
        {
        }

        return path;
    }

    /// <inheritdoc />
    public void Send(byte[] payload)
    {
        var message = default(Msg);
        message.InitPool(payload.Length);
        payload.CopyTo(message.Slice());
        _publisher.Send(ref message, more: false);
        message.Close();
    }

    /// <inheritdoc />
    public void Flush()
    {
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _stopping = true;
        _publisher.SendFrame(new byte[1]);
        _receiver.Join(TimeSpan.FromSeconds(5));
        _publisher.Dispose();
        _subscriber.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Receive()
    {
        while (!_stopping)
        {
            var message = default(Msg);
            message.InitEmpty();
            if (!_subscriber.TryReceive(ref message, TimeSpan.FromMilliseconds(200)))
            {
                message.Close();
                continue;
            }

            Handoff.Receive(message.Slice(), message.Size);
            message.Close();
        }
    }
}
