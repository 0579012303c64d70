using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Cluster.Bench.Support;

/// <summary>Writes the run's results as markdown: a few header lines, the table, and the notes.</summary>
public static class Report
{
    /// <summary>Gets the header lines: date, machine and the command that reproduces the run.</summary>
    /// <param name="arguments">The program's arguments.</param>
    /// <returns>The lines, as a markdown list.</returns>
    public static string Header(IReadOnlyList<string> arguments)
    {
        var akka = typeof(Akka.Actor.ActorSystem).Assembly.GetName().Version;
        var command = "dotnet run -c Release --project bench" + (arguments.Count > 0 ? " -- " + string.Join(' ', arguments) : "");
        var now = TimeProvider.System.GetUtcNow();
        return Invariant($"""
            ## Our layer beside raw Akka.NET

            - date: {now:yyyy-MM-dd HH:mm} UTC
            - machine: {Environment.ProcessorCount} processors, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), Akka.NET {akka?.ToString(3)}
            - command: `{command}`
            - load average at start (1, 5, 15 min): {LoadAverage()}
            """);
    }

    /// <summary>Gets the machine's load average over 1, 5 and 15 minutes: other work on it skews every figure.</summary>
    /// <returns>The three figures, or <c>unknown</c> where the system does not say.</returns>
    public static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(", ", File.ReadAllText(path).Split(' ').Take(3)) : "unknown";
    }

    /// <summary>Reads the machine's CPU counters, to tell later how much time the hypervisor took (<see cref="StolenShare"/>).</summary>
    /// <returns>The counters of all processors, in clock ticks, or null where the system does not say.</returns>
    public static long[]? CpuCounters()
    {
        const string path = "/proc/stat";
        if (!File.Exists(path))
        {
            return null;
        }

        // "cpu  user nice system idle iowait irq softirq steal ..."
        var fields = File.ReadLines(path).First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return [.. fields.Skip(1).Take(8).Select(field => long.Parse(field, CultureInfo.InvariantCulture))];
    }

    /// <summary>
    /// Gets the share of the processors' time between two readings that the hypervisor gave to other machines
    /// ("steal"): while a virtual processor waits for its host, everything on it stalls, which shows in the tails.
    /// </summary>
    /// <param name="before">The counters at the start.</param>
    /// <param name="after">The counters at the end.</param>
    /// <returns>The share as a percentage, or <c>unknown</c>.</returns>
    public static string StolenShare(long[]? before, long[]? after)
    {
        if (before is null || after is null)
        {
            return "unknown";
        }

        var total = after.Zip(before, (a, b) => a - b).Sum();
        return total <= 0 ? "unknown" : Invariant($"{100.0 * (after[7] - before[7]) / total:0.0} %");
    }

    /// <summary>Gets the results table.</summary>
    /// <param name="rows">The rows, in order.</param>
    /// <returns>The table in markdown.</returns>
    public static string Table(IEnumerable<BenchRow> rows)
    {
        var table = new StringBuilder();
        table.AppendLine("| case | unit | ours | raw Akka | ratio |");
        table.AppendLine("|---|---|--:|--:|--:|");
        foreach (var row in rows)
        {
            table.AppendLine(Invariant($"| {row.Case} | {row.Unit} | {Figure(row.Ours)} | {Figure(row.Raw)} | {(row.Ratio is { } ratio ? Invariant($"{ratio:0.00}") : "-")} |"));
        }

        // A line right under a table would be read as one more row.
        table.AppendLine();
        table.Append("ratio = ours ÷ raw Akka (or the reference the case names): above 1 is better for msg/s and ×, below 1 is better for ns, µs and ms.");
        return table.ToString();
    }

    private static string Figure(double? value) => value is { } figure ? Invariant($"{figure:N0}") : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
