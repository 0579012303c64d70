using System.Collections.Immutable;
using Akka.Actor;

namespace Cluster.Contracts.Operator;

/// <summary>Asks for the topics and glob patterns known cluster-wide.</summary>
public sealed record ListTopics : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly ListTopics Instance = new();

    private ListTopics()
    {
    }
}

/// <summary>The reply to <see cref="ListTopics"/>.</summary>
/// <param name="Topics">Topic names published on or subscribed to exactly, sorted.</param>
/// <param name="Patterns">Glob patterns subscribed to, sorted.</param>
/// <param name="Silent">The host nodes that did not answer in time, whose topics are missing.</param>
public sealed record TopicList(ImmutableArray<string> Topics, ImmutableArray<string> Patterns, ImmutableArray<string> Silent) : IClusterMessage;

/// <summary>Asks one node for the topics its bus has published on and the patterns its bus has subscribed to.</summary>
public sealed record GetNodeTopics : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly GetNodeTopics Instance = new();

    private GetNodeTopics()
    {
    }
}

/// <summary>The reply to <see cref="GetNodeTopics"/>.</summary>
/// <param name="Published">The topic names the node has published on.</param>
/// <param name="Subscribed">The exact topic names subscribed to on the node now.</param>
/// <param name="Patterns">The glob patterns subscribed to on the node now.</param>
public sealed record NodeTopics(ImmutableArray<string> Published, ImmutableArray<string> Subscribed, ImmutableArray<string> Patterns) : IClusterMessage;

/// <summary>Asks a node to publish a payload given as JSON.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Json">The payload as JSON.</param>
/// <param name="ClrType">The type to read the JSON as (<c>Namespace.Type, Assembly</c>); null for plain values, lists and dictionaries.</param>
/// <param name="Sender">Who publishes, as receivers will see it.</param>
public sealed record PublishJson(string Topic, string Json, string? ClrType, string Sender) : IClusterMessage;

/// <summary>The reply to <see cref="PublishJson"/> when it was published.</summary>
/// <param name="Topic">The topic.</param>
public sealed record JsonPublished(string Topic) : IClusterMessage;

/// <summary>Asks a node to forward every message matching a pattern to a receiver, as JSON.</summary>
/// <param name="Pattern">The topic pattern.</param>
/// <param name="Receiver">Where to forward; forwarding stops when it stops.</param>
public sealed record StartEcho(string Pattern, IActorRef Receiver) : IClusterMessage;

/// <summary>The reply to <see cref="StartEcho"/> once the subscription is confirmed cluster-wide.</summary>
public sealed record EchoStarted : IClusterMessage
{
    /// <summary>The single instance of this field-less message.</summary>
    public static readonly EchoStarted Instance = new();

    private EchoStarted()
    {
    }
}

/// <summary>Ends the forwarding started for a receiver.</summary>
/// <param name="Receiver">The receiver.</param>
public sealed record StopEcho(IActorRef Receiver) : IClusterMessage;

/// <summary>A message forwarded by an echo, with its payload rendered as JSON.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Sender">Who published it.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="PayloadJson">The payload as JSON.</param>
public sealed record EchoedMessage(string Topic, string Sender, DateTimeOffset PublishedAt, string PayloadJson) : IClusterMessage;

/// <summary>An operator request failed; the message says why.</summary>
/// <param name="Error">What went wrong, naming the topic, type or node concerned.</param>
/// <param name="BadInput">Whether the request itself was wrong (an operator exits 2), rather than the cluster or the target failing.</param>
public sealed record OperatorFailed(string Error, bool BadInput = false) : IClusterMessage;
