namespace Cluster.Agents.Core.Topics;

/// <summary>The lane's settings for the topics that match one pattern (<c>cluster-node.topics.lane.topics</c>).</summary>
/// <param name="Pattern">The topics it applies to: an exact name or a glob; null for the lane's defaults, which apply where no rule does.</param>
/// <param name="MaxPayloadBytes">The largest payload that may be published on them, in bytes.</param>
/// <param name="Qos">Their quality of service; it also applies to their small messages.</param>
public sealed record TopicLaneRule(TopicPattern? Pattern, long MaxPayloadBytes, TopicQos Qos);
