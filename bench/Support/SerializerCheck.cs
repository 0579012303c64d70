using Akka.Actor;

namespace Cluster.Bench.Support;

/// <summary>Makes sure a case measures the serializer its label names.</summary>
public static class SerializerCheck
{
    /// <summary>Asks <paramref name="system"/> which serializer it picks for <paramref name="message"/>.</summary>
    /// <param name="system">The sending system.</param>
    /// <param name="message">A message of the case.</param>
    /// <param name="expected">The serializer the case is meant to measure.</param>
    /// <returns>The serializer's class name, for the row's label.</returns>
    /// <exception cref="InvalidOperationException">Another serializer is bound to the message's type.</exception>
    public static string Require(ActorSystem system, object message, Type expected)
    {
        var actual = system.Serialization.FindSerializerFor(message).GetType();
        if (actual != expected)
        {
            throw new InvalidOperationException(
                $"{message.GetType().Name} is serialized by {actual.FullName}, not {expected.FullName}: " +
                "the case would measure another serializer than its label says.");
        }

        return actual.Name;
    }
}
