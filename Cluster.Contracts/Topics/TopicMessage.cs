namespace Cluster.Contracts.Topics;

/// <summary>A message delivered to a topic subscriber.</summary>
/// <param name="Topic">The topic it was published on, e.g. <c>drive/odometry</c>.</param>
/// <param name="Payload">The payload.</param>
/// <param name="Sender">Who published it: a device name or the publishing node's address.</param>
/// <param name="PublishedAt">When it was published, by the publishing node's clock.</param>
/// <param name="Subscription">The pattern of the subscription it was delivered for (the topic itself for an exact one).</param>
public sealed record TopicMessage(string Topic, object Payload, string Sender, DateTimeOffset PublishedAt, string Subscription) : IClusterMessage;
