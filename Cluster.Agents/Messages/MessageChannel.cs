using Cluster.Agents.Core.Topics;

namespace Cluster.Agents.Messages;

/// <summary>
/// Where typed messages travel on the topic bus: a channel per message type (by default the type's name)
/// holding topics; topic <c>t</c> of channel <c>c</c> is the bus topic <c>mcl/c/t</c>.
/// </summary>
public static class MessageChannel
{
    private const string Prefix = "mcl/";

    /// <summary>The channel of a message type: its name.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <returns>The channel name.</returns>
    public static string Of<T>() => typeof(T).Name;

    /// <summary>The bus topic of <paramref name="topic"/> in <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="topic">The topic within the channel.</param>
    /// <returns>The bus topic.</returns>
    /// <exception cref="ArgumentException">The channel or topic is empty or has wildcards or a '/'.</exception>
    public static string BusTopic(string channel, string topic)
    {
        Validate(channel, nameof(channel));
        Validate(topic, nameof(topic));
        return Prefix + channel + "/" + topic;
    }

    /// <summary>The bus pattern that matches every topic of <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns>The glob pattern.</returns>
    public static string AllTopics(string channel)
    {
        Validate(channel, nameof(channel));
        return Prefix + channel + "/*";
    }

    /// <summary>The topic within its channel of a bus topic.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="busTopic">The bus topic.</param>
    /// <returns>The topic within the channel.</returns>
    public static string TopicOf(string channel, string busTopic) => busTopic[(Prefix.Length + channel.Length + 1)..];

    private static void Validate(string name, string what)
    {
        TopicPattern.ValidateTopic(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {what} '{name}' cannot contain '/'.", what);
        }
    }
}
