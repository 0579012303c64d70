using System.CommandLine;

namespace Cluster.Agents.Cli;

/// <summary>
/// The standard host program: runs a node (the default) or an operator verb (<c>nodes</c>, <c>topic</c>, <c>call</c>,
/// <c>agents</c>, <c>clock</c>). A team's own <c>Program.cs</c> is one call to <see cref="RunAsync(string[], Action{ClusterHostOptions})"/> with its agents.
/// </summary>
/// <example>
/// <code>
/// return await ClusterHostApp.RunAsync(args, host => host.AddAgent&lt;DriveDevice&gt;("drive", new DriveSettings { MaxSpeed = 1.5 }));
/// </code>
/// </example>
public static class ClusterHostApp
{
    /// <summary>Parses <paramref name="args"/> and runs what they ask for, writing to the console.</summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="configure">Adds the program's agents and setup, or null for a host that runs only configured agents.</param>
    /// <returns>The exit code: 0 when done, 1 when the cluster or the target failed, 2 for bad input.</returns>
    public static Task<int> RunAsync(string[] args, Action<ClusterHostOptions>? configure = null) =>
        RunAsync(args, Console.Out, Console.Error, configure);

    /// <summary>Parses <paramref name="args"/> and runs what they ask for, writing to the given writers.</summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="output">Where results and the node's start-up lines go.</param>
    /// <param name="errors">Where errors and warnings go.</param>
    /// <param name="configure">Adds the program's agents and setup, or null.</param>
    /// <returns>The exit code: 0 when done, 1 when the cluster or the target failed, 2 for bad input.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, Action<ClusterHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ClusterHostOptions();
        configure?.Invoke(options);
        var root = HostCommands.Create(output, errors, options);

        var parse = root.Parse(args);
        // A completion request is a partial command line: its errors are expected, and the directive answers it.
        if (parse.Errors.Count > 0 && !(args.Length > 0 && args[0].StartsWith("[suggest", StringComparison.Ordinal)))
        {
            return await CommandLineErrors.ReportAsync(parse, errors).ConfigureAwait(false);
        }

        // The generic host handles Ctrl+C and SIGTERM itself, so that a node always leaves the cluster gracefully.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = errors }).ConfigureAwait(false);
    }
}
