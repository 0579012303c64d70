using Cluster.Agents.Core.Topics;

namespace Cluster.Agents.Messages;

/// <summary>
/// Where typed messages travel on the topic bus: a channel per message type (by default named for the type,
/// see <see cref="Of(Type)"/>) holding topics; topic <c>t</c> of channel <c>c</c> is the bus topic <c>mcl/c/t</c>.
/// </summary>
public static class MessageChannel
{
    private const string Prefix = "mcl/";

    /// <summary>The channel of a message type: its name, with generic arguments and arrays spelled out (see <see cref="Of(Type)"/>).</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <returns>The channel name.</returns>
    public static string Of<T>() => Of(typeof(T));

    /// <summary>
    /// The channel of a message type: its name without namespace; a generic type's arguments follow in
    /// parentheses, separated by commas (<c>List&lt;Pose&gt;</c> is <c>List(Pose)</c>); an array is its
    /// element's channel followed by <c>-array</c>, or <c>-array2d</c> and so on for more dimensions
    /// (<c>byte[]</c> is <c>Byte-array</c>).
    /// </summary>
    /// <remarks>
    /// No C# type name holds '(', ')', ',' or '-', so two types whose names (without namespaces) differ
    /// always get different channels. Types of the same name in different namespaces share one; give
    /// such types a channel of their own.
    /// </remarks>
    /// <param name="type">The message type.</param>
    /// <returns>The channel name.</returns>
    /// <exception cref="ArgumentException">The type is an open generic type, which no message can be.</exception>
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.ContainsGenericParameters)
        {
            throw new ArgumentException($"The type {type} has unbound generic parameters: a channel is for the type of actual messages.", nameof(type));
        }

        if (type.IsArray)
        {
            var element = Of(type.GetElementType()!);

            // A one-dimensional array with a lower bound other than zero is not a T[]: its rank is spelled out too.
            return type.IsSZArray ? element + "-array" : $"{element}-array{type.GetArrayRank()}d";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var arity = name.IndexOf('`', StringComparison.Ordinal);
        return (arity < 0 ? name : name[..arity]) + "(" + string.Join(",", type.GetGenericArguments().Select(Of)) + ")";
    }

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
