using System.Globalization;
using Akka.Actor;

namespace Cluster.Agents.Core.Calls;

/// <summary>How errors name the target of a call: its registered name (or actor name) and its node.</summary>
internal sealed record CallTarget(string Name, string Node)
{
    public static CallTarget Of(IActorRef target, string? name, Address self) =>
        new(name ?? target.Path.Name, (target.Path.Address.HasLocalScope ? self : target.Path.Address).ToString());

    public static string Format(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1)
            ? duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms"
            : duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
