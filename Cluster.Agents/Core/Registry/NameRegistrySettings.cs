using Akka.Configuration;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Core.Registry;

/// <summary>The settings of the name registry, read from <c>cluster-node.registry</c>.</summary>
public sealed record NameRegistrySettings
{
    /// <summary>The HOCON section the settings are read from.</summary>
    public const string Section = "cluster-node.registry";

    /// <summary>Gets the role a member needs to run a registry and take part in its replication; empty means every member.</summary>
    /// <value>The default is <c>host</c>.</value>
    public string Role { get; init; } = "host";

    /// <summary>Gets how often a registry tells its peers the version of its registrations.</summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan DigestInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets how long registering and unregistering wait for the node's registry actor.</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads the settings from <paramref name="config"/>, which must include the defaults.</summary>
    /// <param name="config">The actor system's configuration.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">A duration is not positive; the message names the key.</exception>
    /// <exception cref="ClusterConfigurationException">A duration has no unit or is not a duration; the message names the key.</exception>
    public static NameRegistrySettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.GetConfig(Section) ?? Config.Empty;
        return new NameRegistrySettings
        {
            Role = section.GetString("role", "host") ?? string.Empty,
            DigestInterval = Positive(config, "digest-interval", TimeSpan.FromSeconds(2)),
            AskTimeout = Positive(config, "ask-timeout", TimeSpan.FromSeconds(5)),
        };
    }

    private static TimeSpan Positive(Config config, string key, TimeSpan fallback)
    {
        var value = ConfigDurations.Get(config, $"{Section}.{key}", fallback);
        return value > TimeSpan.Zero
            ? value
            : throw new ArgumentException($"{Section}.{key} must be a positive duration, not {value}.", nameof(config));
    }
}
