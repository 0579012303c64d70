using Akka.Configuration;
using Cluster.Agents.Core.Clocks;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Checks the settings that would otherwise fail only inside the actor system's start (with Akka's stack trace in the log),
/// so a wrong value stops the program before anything starts, with exit code 2 and the key named.
/// </summary>
public static class StartupChecks
{
    /// <summary>Checks <paramref name="config"/> and that the node can listen at <paramref name="node"/>'s address.</summary>
    /// <param name="node">The node's options.</param>
    /// <param name="config">The program's configuration.</param>
    /// <exception cref="ClusterConfigurationException">A setting is wrong; the message names it.</exception>
    public static void Check(NodeOptions node, Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var mode = config.GetString(NodeClock.ModeKey, "real");
        if (!Enum.TryParse<NodeClockMode>(mode?.Trim(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(mode, out _))
        {
            throw new ClusterConfigurationException(NodeClock.ModeKey, mode, "unknown clock mode; the valid modes are real, external and follow.");
        }

        ListenCheck.Check(node);
    }
}
