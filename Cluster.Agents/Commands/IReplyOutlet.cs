using Cluster.Contracts.Commands;

namespace Cluster.Agents.Commands;

/// <summary>Where a command's replies go: a cluster commander's stream, a TCP connection, a test's list.</summary>
internal interface IReplyOutlet
{
    /// <summary>Gets a value indicating whether the outlet already hears the actor's broadcasts (a TCP connection does).</summary>
    bool HearsBroadcasts { get; }

    /// <summary>Takes one reply; never blocks.</summary>
    void Write(CommandReply reply);

    /// <summary>Says that the command it serves has ended.</summary>
    void Complete();
}
