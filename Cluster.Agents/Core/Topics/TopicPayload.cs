using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Event;
using Cluster.Contracts.Topics;

namespace Cluster.Agents.Core.Topics;

/// <summary>Reads a topic message's payload as the type a subscriber expects, logging the ones it cannot take.</summary>
public static partial class TopicPayload
{
    /// <summary>
    /// Reads <paramref name="message"/>'s payload as a <typeparamref name="T"/>; when it is not one, logs a warning
    /// naming <paramref name="owner"/>, the payload's type, <typeparamref name="T"/>, the topic and the sender.
    /// </summary>
    /// <typeparam name="T">The payload type the subscriber takes.</typeparam>
    /// <param name="message">The message received.</param>
    /// <param name="log">Where to log a payload of another type.</param>
    /// <param name="owner">Who skips it, as the subject of the warning, e.g. <c>The listener on channel 'Pose'</c> or <c>Device 'arm'</c>.</param>
    /// <param name="payload">The payload, when it is a <typeparamref name="T"/>.</param>
    /// <returns>True if the payload is a <typeparamref name="T"/>; false if it was logged and should be skipped.</returns>
    public static bool TryRead<T>(TopicMessage message, ILoggingAdapter log, string owner, [MaybeNullWhen(false)] out T payload)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(log);
        if (message.Payload is T typed)
        {
            payload = typed;
            return true;
        }

        log.Warning(
            "{0} skipped a {1} on topic '{2}' from {3}: it takes {4}.",
            owner, Describe(message.Payload.GetType()), message.Topic, message.Sender, Describe(typeof(T)));
        payload = default;
        return false;
    }

    [GeneratedRegex("`[0-9]+")]
    private static partial Regex Arity();

    // Type.FullName spells generic arguments with their assembly names, which buries the types in a warning.
    private static string Describe(Type type)
    {
        if (type.IsArray)
        {
            return Describe(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        var definition = type.GetGenericTypeDefinition();
        var text = new StringBuilder(Arity().Replace(definition.FullName ?? definition.Name, ""));
        return text.Append('<').AppendJoin(", ", type.GetGenericArguments().Select(Describe)).Append('>').ToString();
    }
}
