namespace Cluster.Agents.Core.Configuration;

/// <summary>
/// A node's configuration is wrong: the exception names the setting (a HOCON key, a command-line option
/// or an environment variable) and the value it had, so start-up can stop with a message that says
/// exactly what to fix.
/// </summary>
public sealed class ClusterConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The setting that is wrong, e.g. <c>cluster-host.agents.drive.type</c> or <c>CLUSTER_PORT</c>.</param>
    /// <param name="value">The value it had, or null when it was missing.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="inner">The error that revealed the problem, if any.</param>
    public ClusterConfigurationException(string key, string? value, string problem, Exception? inner = null)
        : base(value is null ? $"{key}: {problem}" : $"{key} = '{value}': {problem}", inner)
    {
        Key = key;
        Value = value;
    }

    /// <summary>Gets the setting that is wrong.</summary>
    public string Key { get; }

    /// <summary>Gets the value the setting had, or null when it was missing.</summary>
    public string? Value { get; }
}
