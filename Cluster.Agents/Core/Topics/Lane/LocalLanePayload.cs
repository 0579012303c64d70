namespace Cluster.Agents.Core.Topics;

/// <summary>
/// What a lane publish leaves for the subscriptions on the publishing node itself: the payload as published and,
/// for raw bytes, the buffer that leases are made of, held once per local route until that route has delivered.
/// </summary>
internal sealed class LocalLanePayload(object original, LaneBuffer buffer, bool raw, int routes)
{
    private int _routes = routes;

    public object Original { get; } = original;

    public LaneBuffer Buffer { get; } = buffer;

    public bool Raw { get; } = raw;

    /// <summary>One local route has delivered: the last lets go of the buffer.</summary>
    public void Delivered()
    {
        if (Interlocked.Decrement(ref _routes) == 0)
        {
            Buffer.Release();
        }
    }
}
