using System.Net;
using System.Net.Sockets;

namespace Cluster.Agents.Operator;

/// <summary>
/// Says why a node cannot join through a seed: the seed is unreachable, in another group, names itself by another address, or
/// has not joined a cluster itself. A seed on this computer is asked through its local operator socket, which tells its group
/// and address; a remote one can only be probed, so the finding names the usual causes.
/// </summary>
public static class SeedDiagnosis
{
    /// <summary>Finds what stands between a node of <paramref name="group"/> and the seed <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed as the node was given it.</param>
    /// <param name="group">The node's group.</param>
    /// <param name="timeout">How long to wait for the seed.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The finding with its fix, or null when the seed looks right (same group, same address, a member).</returns>
    public static async Task<Finding?> CheckAsync(DnsEndPoint seed, string group, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var name = $"{seed.Host}:{seed.Port}";
        var local = await SocketTransport.TryConnectAsync(seed, timeout, cancellationToken).ConfigureAwait(false);
        if (local is not null)
        {
            await using (local.ConfigureAwait(false))
            {
                var hello = local.Hello;
                if (!string.Equals(hello.Group, group, StringComparison.Ordinal))
                {
                    return new Finding(
                        "wrong group",
                        $"the seed {name} is in group '{hello.Group}', not '{group}'.",
                        $"give this node --group {hello.Group} (or CLUSTER_GROUP={hello.Group}), or start the seed with --group {group}.");
                }

                if (Akka.Actor.Address.TryParse(hello.Address, out var address) && !string.Equals(address.Host, seed.Host, StringComparison.OrdinalIgnoreCase))
                {
                    return new Finding(
                        "address mismatch",
                        $"the seed given as {name} calls itself {address.Host}:{address.Port}; remoting only accepts messages sent to the address a node names itself by.",
                        $"give --seed {address.Host}:{address.Port}, or start the seed with CLUSTER_IP={seed.Host} if that is the address others reach it by.");
                }

                if (!hello.Joined)
                {
                    return new Finding(
                        "seed not joined",
                        $"the seed {name} has not joined a cluster itself (status {hello.Status}).",
                        "start the first seed (a Lighthouse) with itself as its first seed, or run doctor against its own seeds.");
                }

                return null;
            }
        }

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(seed.Host, seed.Port, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = e is SocketException s ? s.Message : $"no connection within {timeout.TotalSeconds:0.#} s";
            return new Finding(
                "unreachable seed",
                $"the seed {name} is unreachable: {why}.",
                $"start the seed, or give the address and port it listens on (its CLUSTER_IP and CLUSTER_PORT); check firewalls between here and {seed.Host}.");
        }

        return new Finding(
            "seed does not answer",
            $"the seed {name} accepts connections but does not answer as a node of group '{group}'.",
            $"the usual causes: the seed runs another group (compare its --group / CLUSTER_GROUP with '{group}'), or it names itself by another address than {seed.Host} (its CLUSTER_IP). Run doctor on the seed's computer to see which.");
    }
}
