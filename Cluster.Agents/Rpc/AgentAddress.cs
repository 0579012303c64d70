using System.Globalization;
using Akka.Actor;

namespace Cluster.Agents.Rpc;

/// <summary>
/// Where an agent lives: the cluster (group), the node and the agent's id in that node's container.
/// Its string form <c>agent://group@host:port/id</c> (e.g. <c>agent://robot@127.0.0.1:4053/7</c>) round-trips
/// through <see cref="Parse"/>; a node without remoting (a local test system) has no host and port:
/// <c>agent://group/id</c>.
/// </summary>
/// <remarks>It is a plain record, so it crosses the wire inside any message, as an argument or a result.</remarks>
public sealed record AgentAddress
{
    /// <summary>The scheme of the string form.</summary>
    public const string Scheme = "agent";

    private const string Prefix = Scheme + "://";
    private const string Expected = "expected agent://group@host:port/id, e.g. agent://robot@127.0.0.1:4053/7";

    /// <summary>Creates an address.</summary>
    /// <param name="group">The cluster's name (the actor system's name).</param>
    /// <param name="host">The node's host; null for a node without remoting.</param>
    /// <param name="port">The node's port; null exactly when <paramref name="host"/> is.</param>
    /// <param name="id">The agent's id in its container: a number, or the name it was spawned under.</param>
    /// <exception cref="ArgumentException">A part is empty or not valid in an actor path.</exception>
    public AgentAddress(string group, string? host, int? port, string id)
    {
        var problem = Check(group, host, port, id);
        if (problem is not null)
        {
            throw new ArgumentException($"Not a valid agent address: {problem}.");
        }

        Group = group;
        Host = host;
        Port = port;
        Id = id;
    }

    /// <summary>Gets the cluster's name.</summary>
    public string Group { get; }

    /// <summary>Gets the node's host, or null for a node without remoting.</summary>
    public string? Host { get; }

    /// <summary>Gets the node's port, or null for a node without remoting.</summary>
    public int? Port { get; }

    /// <summary>Gets the agent's id in its container.</summary>
    public string Id { get; }

    /// <summary>Gets the Akka address of the agent's node, reached over remoting's <paramref name="protocol"/>.</summary>
    /// <param name="protocol">
    /// The cluster's remoting protocol, as its nodes' addresses spell it: <c>akka.tcp</c>, or <c>akka.ssl.tcp</c> over
    /// mutual TLS. The string form leaves it out, so one address names the agent whichever the cluster runs.
    /// </param>
    /// <returns>The node's address; <c>akka://group</c> for a node without remoting.</returns>
    public Address NodeOver(string protocol) => Host is null ? new Address("akka", Group) : new Address(protocol, Group, Host, Port);

    /// <summary>Gets the string form of the agent's container, e.g. <c>agent://robot@127.0.0.1:4053</c>.</summary>
    public string Container => Host is null ? $"{Prefix}{Group}" : string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Group}@{Host}:{Port}");

    /// <summary>Creates the address of agent <paramref name="id"/> on the node at <paramref name="node"/>.</summary>
    /// <param name="node">The node's Akka address.</param>
    /// <param name="id">The agent's id.</param>
    /// <returns>The address.</returns>
    public static AgentAddress For(Address node, string id)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new AgentAddress(node.System, node.Host, node.Port, id);
    }

    /// <summary>Reads an address from its string form.</summary>
    /// <param name="text">The string form, e.g. <c>agent://robot@127.0.0.1:4053/7</c>.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">The text is not an agent address; the message names it.</exception>
    public static AgentAddress Parse(string text)
    {
        var problem = TryRead(text, out var address);
        return address ?? throw new FormatException($"'{text}' is not an agent address: {problem}; {Expected}.");
    }

    /// <summary>Reads an address from its string form, without throwing.</summary>
    /// <param name="text">The string form.</param>
    /// <param name="address">The address, or null when <paramref name="text"/> is not one.</param>
    /// <returns>Whether <paramref name="text"/> is an agent address.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AgentAddress? address) =>
        TryRead(text, out address) is null;

    /// <summary>Gets the string form, e.g. <c>agent://robot@127.0.0.1:4053/7</c>.</summary>
    /// <returns>The string form.</returns>
    public override string ToString() => $"{Container}/{Id}";

    private static string? TryRead(string? text, out AgentAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text))
        {
            return "it is empty";
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return $"it does not start with {Prefix}";
        }

        var rest = text[Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return "it has no agent id after the node";
        }

        var node = rest[..slash];
        var id = rest[(slash + 1)..];
        string group;
        string? host = null;
        int? port = null;
        var at = node.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            group = node;
        }
        else
        {
            group = node[..at];
            var hostPort = node[(at + 1)..];
            var colon = hostPort.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var parsedPort))
            {
                return $"the node '{hostPort}' is not host:port";
            }

            host = hostPort[..colon];
            port = parsedPort;
        }

        var problem = Check(group, host, port, id);
        if (problem is null)
        {
            address = new AgentAddress(group, host, port, id);
        }

        return problem;
    }

    private static string? Check(string? group, string? host, int? port, string? id)
    {
        if (string.IsNullOrEmpty(group) || !ActorPath.IsValidPathElement(group) || group.Contains('@', StringComparison.Ordinal))
        {
            return $"the group '{group}' is empty or not a valid cluster name";
        }

        if ((host is null) != (port is null))
        {
            return "a host needs a port and a port a host";
        }

        if (host is not null && (host.Length == 0 || host.Contains('/', StringComparison.Ordinal) || host.Contains('@', StringComparison.Ordinal)))
        {
            return $"the host '{host}' is not valid";
        }

        if (port is < 0 or > 65535)
        {
            return $"the port {port} is out of range";
        }

        if (string.IsNullOrEmpty(id) || id.Contains('/', StringComparison.Ordinal) || !ActorPath.IsValidPathElement(id))
        {
            return $"the agent id '{id}' is empty or not valid (letters, digits and -_.*$+:@&=,!~';)";
        }

        return null;
    }
}
