namespace Cluster.Contracts.Topics;

/// <summary>
/// What crosses the wire for one publish on one route: the payload already serialized once at the
/// publisher, so that it is checked against the frame size there and serialized once however many
/// nodes receive it.
/// </summary>
/// <remarks>
/// A route is a DistributedPubSub topic: the topic itself for exact subscriptions, or <c>glob:</c> and
/// the pattern for glob subscriptions. Several envelopes may later travel in one batch without any
/// change for subscribers: the receiving node's bus unpacks them.
/// </remarks>
/// <param name="Topic">The topic published on.</param>
/// <param name="Route">The DistributedPubSub topic this copy travels on.</param>
/// <param name="Sender">Who published it: a device name or the node's address.</param>
/// <param name="PublishedAt">When it was published, by the publishing node's clock.</param>
/// <param name="Payload">The payload, serialized by the cluster's serializer.</param>
public sealed record TopicEnvelope(string Topic, string Route, string Sender, DateTimeOffset PublishedAt, byte[] Payload) : IClusterMessage
{
    /// <summary>
    /// Gets the payload object on the publishing node, so local subscribers skip deserialization;
    /// it is not serialized.
    /// </summary>
    [field: NonSerialized]
    public object? LocalPayload { get; init; }

    /// <summary>
    /// Gets where the payload travels instead, when it is large enough for the topic bus's data lane: then
    /// <see cref="Payload"/> is empty and the receiving node takes the bytes from the lane.
    /// </summary>
    public LaneRef? Lane { get; init; }

    /// <summary>
    /// Gets whether <see cref="Payload"/> is the published bytes themselves (a <c>byte[]</c> published as it is), not
    /// an object serialized by the cluster's serializer; the receiving node delivers them as a <c>byte[]</c>.
    /// </summary>
    public bool RawPayload { get; init; }

    /// <summary>
    /// Gets the addresses of the nodes that get this publish over their data lanes instead; each of them drops this copy.
    /// Empty when no node does.
    /// </summary>
    public IReadOnlyList<string> LaneCopies { get; init; } = [];

    /// <summary>
    /// Gets the fence this envelope is, instead of a publish: it carries no payload and no subscriber sees it. Null for a publish.
    /// </summary>
    public LaneFence? Fence { get; init; }
}

/// <summary>
/// Marks, in a node's DistributedPubSub stream on one route, the point from which its publishes to some node take
/// the data lane instead: it comes after every earlier publish of that node on the route, so the receiving node
/// holds the lane's messages from that node on the route until the fence has come.
/// </summary>
/// <param name="Node">The publishing node's address.</param>
/// <param name="Number">The id of the first lane message that waits for it; numbers rise with every lane message of the node.</param>
public sealed record LaneFence(string Node, long Number);

/// <summary>
/// Names a payload that travels over the data lane (a direct connection between two nodes) while its envelope
/// travels through DistributedPubSub, which keeps the publish order and decides who receives it.
/// </summary>
/// <param name="Node">The publishing node's address: the lane the bytes come on.</param>
/// <param name="Id">The payload's number on that node's lanes, rising with every lane publish.</param>
/// <param name="Length">The payload's size in bytes.</param>
/// <param name="Targets">The addresses of the nodes the bytes were sent to; any other node drops the envelope.</param>
public sealed record LaneRef(string Node, long Id, long Length, IReadOnlyList<string> Targets);

/// <summary>
/// A node's topic bus introduces itself to another node's bus when it sees that node up: where its data lane
/// listens, and the routes this node subscribes to, so the other node knows which of its large payloads to send here.
/// </summary>
/// <param name="Host">The host name or address the lane listens on.</param>
/// <param name="Port">The lane's TCP port; 0 when this node has no lane.</param>
/// <param name="Routes">The routes with a subscription on this node.</param>
/// <param name="IsReply">Whether this answers the other node's hello; a hello that is not a reply is answered, so
/// a hello lost because the other node's bus was not running yet is made up for when that bus greets this one.</param>
public sealed record LaneHello(string Host, int Port, IReadOnlyList<string> Routes, bool IsReply = false) : IClusterMessage;

/// <summary>Tells another node's topic bus that the last subscription on a route of this node ended.</summary>
/// <param name="Route">The route.</param>
public sealed record RouteLeft(string Route) : IClusterMessage;

/// <summary>
/// Several publishes on one route, in publish order, sent as one message: a node's bus batches what its
/// publishers hand it faster than one by one, and the receiving node's bus delivers the envelopes in order.
/// </summary>
/// <param name="Envelopes">The envelopes, all on the same route.</param>
public sealed record TopicBatch(IReadOnlyList<TopicEnvelope> Envelopes) : IClusterMessage;

/// <summary>
/// Asks a node's topic bus to prove that its publishes on a route reach the asking node: it publishes
/// <see cref="RouteProbe"/> on the route until the asking node answers <see cref="RouteProbeArrived"/>.
/// </summary>
/// <param name="Route">The route just subscribed to.</param>
public sealed record ProbeRoute(string Route) : IClusterMessage;

/// <summary>A probe published on a route; its arrival proves the publishing node reaches the receiver on it.</summary>
/// <param name="Route">The route.</param>
public sealed record RouteProbe(string Route) : IClusterMessage;

/// <summary>Tells a probing node that its probe on a route arrived, so it stops probing.</summary>
/// <param name="Route">The route.</param>
public sealed record RouteProbeArrived(string Route) : IClusterMessage;
