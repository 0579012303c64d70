using System.Net;
using System.Net.Sockets;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Checks, before the actor system starts, that a node can listen where it is told to: its address is one of this computer's,
/// and its port is free. Akka would otherwise fail deep in start-up with a long stack trace.
/// </summary>
public static class ListenCheck
{
    /// <summary>Checks that a node can listen at <paramref name="node"/>'s address and port.</summary>
    /// <param name="node">The node's options.</param>
    /// <exception cref="ClusterConfigurationException">The address is not this computer's, or the port is taken; the message names both.</exception>
    public static void Check(NodeOptions node)
    {
        ArgumentNullException.ThrowIfNull(node);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(node.Ip, out var ip) ? [ip] : Dns.GetHostAddresses(node.Ip);
        }
        catch (SocketException e)
        {
            throw new ClusterConfigurationException("--ip / CLUSTER_IP", node.Ip, $"the name does not resolve: {e.Message}", e);
        }

        if (addresses.Length == 0)
        {
            throw new ClusterConfigurationException("--ip / CLUSTER_IP", node.Ip, "the name resolves to no address.");
        }

        using var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(addresses[0], node.Port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new ClusterConfigurationException(
                "--port / CLUSTER_PORT",
                node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"cannot listen on {node.Ip}:{node.Port}: the port is already taken (another node or program listens there); choose another port, or 0 for any free port.",
                e);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            throw new ClusterConfigurationException(
                "--ip / CLUSTER_IP",
                node.Ip,
                e.SocketErrorCode == SocketError.AccessDenied
                    ? $"cannot listen on {node.Ip}:{node.Port}: permission denied (ports below 1024 need privileges)."
                    : $"cannot listen on {node.Ip}: it is not an address of this computer; give the address other computers reach this one by, as one of its interfaces has it.",
                e);
        }
    }
}
