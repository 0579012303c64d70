using System.Net.Sockets;
using System.Text;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Tells systemd about the node's state (<c>sd_notify</c>) when it runs as a <c>Type=notify</c> service: one datagram to
/// the Unix socket named by <c>NOTIFY_SOCKET</c>. Outside systemd the variable is not set and nothing is sent.
/// </summary>
public static class SystemdNotify
{
    /// <summary>The environment variable systemd sets to the socket it listens on.</summary>
    public const string SocketVariable = "NOTIFY_SOCKET";

    /// <summary>The state that tells systemd the service has started.</summary>
    public const string Ready = "READY=1";

    /// <summary>The state that tells systemd the service is stopping.</summary>
    public const string Stopping = "STOPPING=1";

    /// <summary>Sends <paramref name="state"/> to the socket of <c>NOTIFY_SOCKET</c>, if it is set.</summary>
    /// <param name="state">One or more <c>KEY=value</c> lines, e.g. <see cref="Ready"/>.</param>
    /// <returns>True if the state was sent; false when <c>NOTIFY_SOCKET</c> is not set.</returns>
    /// <exception cref="SocketException">The socket could not be reached.</exception>
    public static bool Notify(string state) => Notify(state, Environment.GetEnvironmentVariable(SocketVariable));

    /// <summary>Sends <paramref name="state"/> to the Unix datagram socket at <paramref name="socketPath"/>.</summary>
    /// <param name="state">One or more <c>KEY=value</c> lines, e.g. <see cref="Ready"/>.</param>
    /// <param name="socketPath">A socket path, or a name in the abstract namespace starting with <c>@</c>; null or empty sends nothing.</param>
    /// <returns>True if the state was sent.</returns>
    /// <exception cref="SocketException">The socket could not be reached.</exception>
    public static bool Notify(string state, string? socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        if (string.IsNullOrEmpty(socketPath))
        {
            return false;
        }

        // systemd writes an abstract socket's name with a leading '@' where the kernel expects a NUL.
        var path = socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(path));
        return true;
    }
}
