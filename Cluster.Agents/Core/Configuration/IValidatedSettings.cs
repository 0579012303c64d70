using Akka.Configuration;

namespace Cluster.Agents.Core.Configuration;

/// <summary>
/// Settings of a configured agent that check themselves when the host reads its configuration, so that a
/// wrong value stops start-up with its key named, before any agent starts.
/// </summary>
/// <example>
/// <code>
/// public sealed record DriveSettings : IValidatedSettings
/// {
///     public double MaxSpeed { get; init; } = 1.0;
///
///     public void Validate(string keyPrefix, Config nodeConfig)
///     {
///         if (MaxSpeed &lt;= 0)
///         {
///             throw new ClusterConfigurationException($"{keyPrefix}.max-speed", MaxSpeed.ToString(), "must be positive.");
///         }
///     }
/// }
/// </code>
/// </example>
public interface IValidatedSettings
{
    /// <summary>Checks the values; throws for the first one that is wrong.</summary>
    /// <param name="keyPrefix">The HOCON path of the settings block, e.g. <c>cluster-host.agents.drive.settings</c>.</param>
    /// <param name="nodeConfig">The node's whole configuration, for settings that depend on other parts of it.</param>
    /// <exception cref="ClusterConfigurationException">A value is wrong; the exception names its key and value.</exception>
    void Validate(string keyPrefix, Config nodeConfig);
}
