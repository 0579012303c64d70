using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Akka.Actor;

namespace Cluster.Agents.Core.Configuration;

/// <summary>
/// Where a node lives and which cluster it joins: the same settings, from the same command-line options
/// and environment variables, serve the Lighthouse, the hosts and the operator verbs.
/// </summary>
/// <remarks>
/// Each setting comes from its command-line option if given, else from its environment variable, else
/// from its default: <c>--group</c> / <c>CLUSTER_GROUP</c> (default <c>robot</c>), <c>--ip</c> /
/// <c>CLUSTER_IP</c> (default <c>127.0.0.1</c>), <c>--port</c> / <c>CLUSTER_PORT</c> (the program's default;
/// 0 means any free port), <c>--seed</c> (repeatable) / <c>CLUSTER_SEEDS</c> (comma-separated
/// <c>host:port</c>).
/// </remarks>
public sealed record NodeOptions
{
    /// <summary>The cluster name used when none is given.</summary>
    public const string DefaultGroup = "robot";

    /// <summary>The port of a Lighthouse, and of a host's embedded default, when none is given.</summary>
    public const int DefaultSeedPort = 4053;

    /// <summary>Gets the cluster's name (the Akka ActorSystem name); nodes of different groups never join.</summary>
    /// <value>The default is <c>robot</c>.</value>
    public string Group { get; init; } = DefaultGroup;

    /// <summary>Gets the address other computers reach this node by; the node also listens on it.</summary>
    /// <value>The default is <c>127.0.0.1</c>.</value>
    public string Ip { get; init; } = "127.0.0.1";

    /// <summary>Gets the port this node listens on; 0 picks any free port.</summary>
    public int Port { get; init; }

    /// <summary>Gets the seed nodes to join, as <c>host:port</c>; empty means the node seeds itself.</summary>
    public ImmutableArray<DnsEndPoint> Seeds { get; init; } = [];

    /// <summary>Gets the seed nodes as Akka addresses in this node's group.</summary>
    public ImmutableArray<Address> SeedAddresses =>
        [.. Seeds.Select(seed => new Address("akka.tcp", Group, seed.Host, seed.Port))];

    /// <summary>
    /// Resolves the options from command-line values, falling back to the environment and then the defaults.
    /// </summary>
    /// <param name="group">The <c>--group</c> value, or null.</param>
    /// <param name="ip">The <c>--ip</c> value, or null.</param>
    /// <param name="port">The <c>--port</c> value, or null.</param>
    /// <param name="seeds">The <c>--seed</c> values; empty when none were given.</param>
    /// <param name="defaultPort">
    /// The port when neither <c>--port</c> nor <c>CLUSTER_PORT</c> is given, chosen by whether seeds were given.
    /// </param>
    /// <param name="environment">Reads an environment variable; defaults to the process environment.</param>
    /// <returns>The resolved options.</returns>
    /// <exception cref="ClusterConfigurationException">A value is malformed; the message names the option or variable.</exception>
    public static NodeOptions Resolve(
        string? group,
        string? ip,
        int? port,
        IReadOnlyList<string> seeds,
        Func<bool, int> defaultPort,
        Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;

        var resolvedGroup = Pick(group, "--group", environment, "CLUSTER_GROUP") ?? (DefaultGroup, "default");
        ValidateGroup(resolvedGroup.Value, resolvedGroup.Source);

        var resolvedIp = Pick(ip, "--ip", environment, "CLUSTER_IP") ?? ("127.0.0.1", "default");
        if (Uri.CheckHostName(resolvedIp.Value) == UriHostNameType.Unknown)
        {
            throw new ClusterConfigurationException(resolvedIp.Source, resolvedIp.Value, "not an IP address or host name.");
        }

        ImmutableArray<DnsEndPoint> resolvedSeeds;
        if (seeds.Count > 0)
        {
            resolvedSeeds = [.. seeds.Select(seed => ParseEndpoint(seed, "--seed"))];
        }
        else if (environment("CLUSTER_SEEDS") is { Length: > 0 } seedList)
        {
            resolvedSeeds = [.. seedList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(seed => ParseEndpoint(seed, "CLUSTER_SEEDS"))];
        }
        else
        {
            resolvedSeeds = [];
        }

        int resolvedPort;
        if (port is not null)
        {
            resolvedPort = ValidatePort(port.Value, "--port");
        }
        else if (environment("CLUSTER_PORT") is { Length: > 0 } portText)
        {
            resolvedPort = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? ValidatePort(parsed, "CLUSTER_PORT")
                : throw new ClusterConfigurationException("CLUSTER_PORT", portText, "not a port number (0-65535).");
        }
        else
        {
            resolvedPort = defaultPort(!resolvedSeeds.IsEmpty);
        }

        return new NodeOptions { Group = resolvedGroup.Value, Ip = resolvedIp.Value, Port = resolvedPort, Seeds = resolvedSeeds };
    }

    /// <summary>Parses a <c>host:port</c> endpoint, naming <paramref name="source"/> in any error.</summary>
    /// <param name="text">The endpoint, e.g. <c>10.0.0.1:4053</c>.</param>
    /// <param name="source">The option or variable it came from, for the error message.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="ClusterConfigurationException">The text is not <c>host:port</c>.</exception>
    public static DnsEndPoint ParseEndpoint(string text, string source)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new ClusterConfigurationException(source, text, "expected host:port, e.g. 127.0.0.1:4053.");
        }

        var host = text[..colon].Trim('[', ']');
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw new ClusterConfigurationException(source, text, $"'{host}' is not an IP address or host name.");
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ClusterConfigurationException(source, text, "the port must be a number from 1 to 65535.");
        }

        return new DnsEndPoint(host, port);
    }

    private static (string Value, string Source)? Pick(string? option, string optionName, Func<string, string?> environment, string variable)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return (option.Trim(), optionName);
        }

        var fromEnvironment = environment(variable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? null : (fromEnvironment.Trim(), variable);
    }

    private static void ValidateGroup(string group, string source)
    {
        // The group becomes the ActorSystem name, which Akka restricts to these characters.
        if (group.Length == 0 || !char.IsAsciiLetterOrDigit(group[0]) ||
            !group.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ClusterConfigurationException(source, group, "a group name must start with a letter or digit and hold only letters, digits, '-' and '_'.");
        }
    }

    private static int ValidatePort(int port, string source) =>
        port is >= 0 and <= 65535 ? port : throw new ClusterConfigurationException(source, port.ToString(CultureInfo.InvariantCulture), "not a port number (0-65535).");
}
