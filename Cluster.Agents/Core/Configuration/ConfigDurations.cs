using Akka.Configuration;

namespace Cluster.Agents.Core.Configuration;

/// <summary>
/// Reads durations from configuration with the one grammar of <see cref="Duration"/>, so that a value reads
/// the same wherever it is written: a number with a unit (<c>100ms</c>, <c>"2 seconds"</c>); a bare number is
/// refused rather than read as milliseconds, as HOCON's own <c>GetTimeSpan</c> would.
/// </summary>
public static class ConfigDurations
{
    /// <summary>Reads the duration at <paramref name="path"/>, which must be set.</summary>
    /// <param name="config">The configuration, from its root so that errors name the full key.</param>
    /// <param name="path">The full HOCON path, e.g. <c>cluster-node.topics.probe-interval</c>.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ClusterConfigurationException">The key is missing or is not a duration; the message names it and the fix.</exception>
    public static TimeSpan Get(Config config, string path) =>
        TryGet(config, path) ?? throw new ClusterConfigurationException(path, null, "missing: expected a duration such as \"100 ms\" or \"2 s\".");

    /// <summary>Reads the duration at <paramref name="path"/>, or <paramref name="fallback"/> when it is not set.</summary>
    /// <param name="config">The configuration, from its root so that errors name the full key.</param>
    /// <param name="path">The full HOCON path, e.g. <c>cluster-node.agents.call-deadline</c>.</param>
    /// <param name="fallback">The duration when the key is not set.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ClusterConfigurationException">The key is set but is not a duration; the message names it and the fix.</exception>
    public static TimeSpan Get(Config config, string path, TimeSpan fallback) => TryGet(config, path) ?? fallback;

    /// <summary>Parses a configured duration, naming <paramref name="key"/> in any error.</summary>
    /// <param name="key">The setting the text came from, e.g. <c>cluster-host.agents.drive.settings.period</c>.</param>
    /// <param name="text">The configured text.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ClusterConfigurationException">The text is not a number with a unit; the message names the key and the fix.</exception>
    public static TimeSpan Parse(string key, string? text)
    {
        ArgumentNullException.ThrowIfNull(key);
        var problem = Duration.Read(text, out var duration);
        return problem is null ? duration : throw new ClusterConfigurationException(key, text ?? string.Empty, problem);
    }

    private static TimeSpan? TryGet(Config config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(path);
        if (config.IsEmpty || !config.HasPath(path))
        {
            return null;
        }

        var value = config.GetValue(path);
        if (value is null || value.IsEmpty)
        {
            return null;
        }

        return value.IsString()
            ? Parse(path, value.GetString())
            : throw new ClusterConfigurationException(path, value.ToString(), "expected a duration such as \"100 ms\" or \"2 s\", not an object or a list.");
    }
}
