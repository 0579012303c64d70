using System.Net;
using System.Net.Sockets;

namespace Cluster.Tests.EndToEnd;

/// <summary>Finds a TCP port on 127.0.0.1 that is free right now, for a program that needs a known port.</summary>
public static class FreePort
{
    /// <summary>Returns a port that nothing listens on.</summary>
    /// <returns>The port.</returns>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
