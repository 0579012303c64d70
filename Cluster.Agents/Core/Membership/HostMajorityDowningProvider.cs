using Akka.Actor;
using Akka.Configuration;

namespace Cluster.Agents.Core.Membership;

/// <summary>
/// Downs unreachable members by <see cref="HostMajority"/>: hosts vote, Lighthouses only break ties. Set as
/// <c>akka.cluster.downing-provider-class</c>; reads <c>akka.cluster.split-brain-resolver.stable-after</c> and
/// <c>cluster-node.downing</c> (<c>role</c>, <c>tie-breaker-role</c>, <c>indirectly-connected-after</c>, three times
/// <c>stable-after</c> when missing).
/// </summary>
/// <remarks>
/// Akka.NET's own split brain resolver with <c>keep-majority</c> and a role breaks a tie by the lowest address, so a
/// robot with two hosts lost both whenever the host with the lower address crashed; with the Lighthouse as the
/// tie-breaker the survivor stays. It looks every 100 ms (Akka's resolver, every second), so a decision comes
/// <c>stable-after</c> after the last change rather than up to a second later.
/// </remarks>
public sealed class HostMajorityDowningProvider : Akka.Cluster.IDowningProvider
{
    private readonly TimeSpan _stableAfter;
    private readonly TimeSpan _indirectlyConnectedAfter;
    private readonly string _role;
    private readonly string _tieBreakerRole;

    /// <summary>Creates the provider; Akka calls this constructor.</summary>
    /// <param name="system">The actor system.</param>
    /// <param name="cluster">The cluster extension.</param>
    public HostMajorityDowningProvider(ActorSystem system, Akka.Cluster.Cluster cluster)
    {
        ArgumentNullException.ThrowIfNull(system);
        var config = system.Settings.Config;
        _stableAfter = config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after", TimeSpan.FromSeconds(20));
        var downing = config.GetConfig("cluster-node.downing") ?? Config.Empty;
        _role = downing.GetString("role", "host");
        _tieBreakerRole = downing.GetString("tie-breaker-role", "lighthouse");
        _indirectlyConnectedAfter = downing.GetTimeSpan("indirectly-connected-after", 3 * _stableAfter);
    }

    /// <inheritdoc />
    public TimeSpan DownRemovalMargin => TimeSpan.Zero;

    /// <inheritdoc />
    public Props DowningActorProps => HostMajorityDowning.Props(_stableAfter, _indirectlyConnectedAfter, _role, _tieBreakerRole);
}
