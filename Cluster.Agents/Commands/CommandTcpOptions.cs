namespace Cluster.Agents.Commands;

/// <summary>Configures the TCP/JSON endpoint of a command actor (clu's <c>JSONActor</c> protocol).</summary>
public sealed record CommandTcpOptions
{
    /// <summary>Gets the address to listen on.</summary>
    /// <value>The default is <c>127.0.0.1</c>: only this computer.</value>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Gets the port to listen on; 0 takes a free one.</summary>
    /// <value>The default is 0.</value>
    public int Port { get; init; }

    /// <summary>Gets how many clients may be connected at once; null for no limit. The one over it gets <c>Max number of connections reached.</c> and is closed.</summary>
    /// <value>The default is null.</value>
    public int? MaxConnections { get; init; }

    /// <summary>Gets the longest input line accepted, in bytes; a longer one is answered with an <c>f</c> reply and skipped.</summary>
    /// <value>The default is 64 KiB.</value>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>Gets how many replies may wait for a slow client; a client that falls this far behind is dropped (and counted), so it never slows the actor or the other clients.</summary>
    /// <value>The default is 10,000.</value>
    public int SendQueueCapacity { get; init; } = 10_000;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Tcp.Host must be an address, e.g. 127.0.0.1.");
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Tcp.Port must be 0 to 65535; it was {Port}.");
        }

        if (MaxConnections is < 1)
        {
            throw new ArgumentException($"Tcp.MaxConnections must be at least 1, or null; it was {MaxConnections}.");
        }

        if (MaxLineBytes < 16)
        {
            throw new ArgumentException($"Tcp.MaxLineBytes must be at least 16; it was {MaxLineBytes}.");
        }

        if (SendQueueCapacity < 1)
        {
            throw new ArgumentException($"Tcp.SendQueueCapacity must be at least 1; it was {SendQueueCapacity}.");
        }
    }
}
