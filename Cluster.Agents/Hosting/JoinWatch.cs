using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Cluster.Agents.Operator;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Tells the person who started a node why it has not joined yet: after the first join attempts have failed, each seed is
/// checked and what stands in the way (another group, an unreachable seed, an address mismatch) is printed with its fix.
/// Akka itself only repeats that it could not join.
/// </summary>
internal static class JoinWatch
{
    private static readonly TimeSpan FirstCheck = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(ActorSystem system, TextWriter output, CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var seeds = cluster.Settings.SeedNodes.Where(seed => !seed.Equals(cluster.SelfAddress)).ToList();
        if (seeds.Count == 0)
        {
            return;
        }

        try
        {
            var wait = FirstCheck;
            while (true)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                if (cluster.State.Members.Any(m => m.UniqueAddress.Equals(cluster.SelfUniqueAddress) && m.Status != MemberStatus.Joining) || cluster.IsTerminated)
                {
                    return;
                }

                foreach (var seed in seeds)
                {
                    var finding = await SeedDiagnosis.CheckAsync(new DnsEndPoint(seed.Host!, seed.Port!.Value), system.Name, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync(finding is null
                        ? $"warning: not joined after {wait.TotalSeconds:0} s; the seed {seed.Host}:{seed.Port} looks right, still trying."
                        : $"warning: not joined cluster '{system.Name}' yet: {finding.Kind}: {finding.Problem} Fix: {finding.Fix}").ConfigureAwait(false);
                }

                wait = Recheck;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            // The check only explains; it must never take the node down.
            await output.WriteLineAsync($"warning: could not check the seeds: {e.Message}").ConfigureAwait(false);
        }
    }
}
