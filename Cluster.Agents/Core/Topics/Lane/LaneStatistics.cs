namespace Cluster.Agents.Core.Topics;

/// <summary>What the node's data lane has done since it started.</summary>
/// <param name="Host">The host name or address the lane listens on.</param>
/// <param name="Port">The lane's TCP port.</param>
/// <param name="Connected">How many lanes to other nodes are connected now.</param>
/// <param name="PayloadsSent">Messages written whole to other nodes, small and large.</param>
/// <param name="BytesSent">Their bytes.</param>
/// <param name="PayloadsReceived">Messages that arrived whole from other nodes, small and large.</param>
/// <param name="BytesReceived">Their bytes.</param>
/// <param name="SendBroken">Messages dropped because the lane broke while writing them.</param>
/// <param name="ReceiveBroken">Payloads dropped because the lane broke while reading them; none is ever delivered truncated.</param>
/// <param name="QosDropped">Payloads a keep-last topic dropped for newer ones, on outgoing lanes and at subscribers.</param>
/// <param name="Connects">Lane connections made, first ones and reconnections.</param>
/// <param name="BuffersRented">Buffers taken from the lane's pool.</param>
/// <param name="BuffersReturned">Buffers given back to it.</param>
/// <param name="QueueDropped">
/// Messages of topics without a quality of service dropped because the bytes of such messages waiting on one lane
/// would pass <c>cluster-node.topics.lane.max-queued</c> (a lane that stays down while its node is still a member).
/// </param>
/// <param name="SharedMemorySent">Payloads handed to nodes on this machine over a shared-memory ring instead of the socket (counted in <paramref name="PayloadsSent"/> too).</param>
/// <param name="SharedMemoryLanes">How many of the connected lanes hand large payloads over shared memory now.</param>
public sealed record LaneStatistics(
    string Host,
    int Port,
    int Connected,
    long PayloadsSent,
    long BytesSent,
    long PayloadsReceived,
    long BytesReceived,
    long SendBroken,
    long ReceiveBroken,
    long QosDropped,
    long Connects,
    long BuffersRented,
    long BuffersReturned,
    long QueueDropped,
    long SharedMemorySent = 0,
    int SharedMemoryLanes = 0)
{
    /// <summary>
    /// Gets how many times this node gave up waiting for another node's fence (<c>lane.fence-timeout</c>, or too much
    /// held) and delivered that node's held lane messages anyway; order with its earlier messages is not assured then.
    /// </summary>
    public long FencesMissed { get; init; }
}
