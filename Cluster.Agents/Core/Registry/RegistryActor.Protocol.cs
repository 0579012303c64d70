using Akka.Actor;

namespace Cluster.Agents.Core.Registry;

/// <summary>The node-local messages between <see cref="NameRegistry"/> and its actor.</summary>
internal sealed partial class RegistryActor
{
    /// <summary>Registers <paramref name="Name"/> on this node.</summary>
    /// <param name="Name">The name.</param>
    /// <param name="Kind">What it stands for.</param>
    /// <param name="Owner">The actor registered under it.</param>
    /// <param name="RegisteredAt">The registration time; null takes the registry's clock.</param>
    /// <param name="IgnoreRemote">
    /// Registers even if another node holds the name, as if its announcement had not arrived yet; the
    /// conflict rule then settles it. Only tests use it, to make a concurrent registration deterministic.
    /// </param>
    internal sealed record Register(string Name, string Kind, IActorRef Owner, DateTimeOffset? RegisteredAt = null, bool IgnoreRemote = false);

    /// <summary>The answer to <see cref="Register"/>: the entry, or why it was refused.</summary>
    internal sealed record RegisterResult(RegistryEntry? Entry, Exception? Error);

    /// <summary>Removes this node's registration of <paramref name="Name"/>; answered with a <see cref="bool"/>.</summary>
    /// <param name="Name">The name.</param>
    /// <param name="Expected">When given, only this very registration is removed, not a later one of the same name.</param>
    internal sealed record Unregister(string Name, RegistryEntry? Expected);

    /// <summary>The timer that sends <see cref="Cluster.Contracts.Registry.RegistryDigest"/> to the peers.</summary>
    internal sealed record DigestTick
    {
        public static readonly DigestTick Instance = new();

        private DigestTick()
        {
        }
    }
}
