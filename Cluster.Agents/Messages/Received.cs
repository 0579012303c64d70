namespace Cluster.Agents.Messages;

/// <summary>A message as a listener hands it to its callbacks.</summary>
/// <typeparam name="T">The message type.</typeparam>
/// <param name="Topic">The topic within the channel it was published on.</param>
/// <param name="Payload">The message.</param>
/// <param name="Sender">Who published it.</param>
/// <param name="PublishedAt">When it was published, by the publishing node's clock.</param>
/// <param name="ReceivedAt">When this node received it, by this node's clock.</param>
public sealed record Received<T>(string Topic, T Payload, string Sender, DateTimeOffset PublishedAt, DateTimeOffset ReceivedAt);
