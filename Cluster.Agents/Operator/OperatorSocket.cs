using System.Net;
using System.Net.Sockets;

namespace Cluster.Agents.Operator;

/// <summary>
/// Where a node's local operator socket lives: a Unix domain socket per node, named for the node's address and port, in a
/// folder only its user can enter. The verbs on the same computer reach a node through it without starting an actor system.
/// </summary>
/// <remarks>
/// A file socket listens on no network at all, so the fast path is local by construction; remote operators keep the
/// remoting path, which goes through the cluster's own transport and its TLS when that is on.
/// </remarks>
public static class OperatorSocket
{
    /// <summary>The environment variable that moves the sockets' folder.</summary>
    public const string FolderVariable = "CLUSTER_OPERATOR_DIR";

    /// <summary>Gets the folder of the sockets: <c>CLUSTER_OPERATOR_DIR</c>, else <c>$XDG_RUNTIME_DIR/cluster-agents</c>, else <c>~/.cache/cluster-agents</c>.</summary>
    /// <remarks>Never a shared folder such as <c>/tmp</c> by default: another user could create it first and serve a socket there.</remarks>
    public static string Folder
    {
        get
        {
            if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } given)
            {
                return given;
            }

            return Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime
                ? Path.Combine(runtime, "cluster-agents")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".cache", "cluster-agents");
        }
    }

    /// <summary>Gets the socket path of the node whose cluster address has <paramref name="host"/> and <paramref name="port"/>.</summary>
    /// <param name="host">The node's host as its cluster address names it (its <c>CLUSTER_IP</c>).</param>
    /// <param name="port">The node's cluster port.</param>
    /// <returns>The socket's path.</returns>
    public static string PathFor(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Path.Combine(Folder, $"{host.Replace('/', '_').Replace(':', '_')}-{port}.sock");
    }

    /// <summary>
    /// Gets the socket paths that may serve <paramref name="seed"/> from this computer, or none when its host is not an address of this
    /// computer (a remote node, which the verbs reach over remoting).
    /// </summary>
    /// <param name="seed">The seed as the verb was given it.</param>
    /// <returns>The candidate paths, most likely first.</returns>
    public static IEnumerable<string> CandidatesFor(DnsEndPoint seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (IsLoopback(seed.Host))
        {
            yield return PathFor(seed.Host, seed.Port);
            foreach (var alias in (string[])["127.0.0.1", "localhost", "::1"])
            {
                if (!string.Equals(alias, seed.Host, StringComparison.OrdinalIgnoreCase))
                {
                    yield return PathFor(alias, seed.Port);
                }
            }

            yield break;
        }

        if (IsAddressOfThisComputer(seed.Host))
        {
            yield return PathFor(seed.Host, seed.Port);
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    // Binding to an address succeeds only where it is assigned here, in this network namespace: a node in another
    // namespace or on another computer is asked over the network, as an operator there would.
    private static bool IsAddressOfThisComputer(string host)
    {
        if (!IPAddress.TryParse(host, out var ip))
        {
            return false;
        }

        try
        {
            using var probe = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(ip, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
