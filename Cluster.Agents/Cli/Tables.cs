using Spectre.Console;

namespace Cluster.Agents.Cli;

/// <summary>
/// Prints rows as a table that fits the terminal when a person reads it, and as plain, stable lines (one per row, no
/// header, no colour) when the output goes to a pipe or a file, where scripts and tests read it.
/// </summary>
internal static class Tables
{
    public static void Write(TextWriter output, string[] headers, IEnumerable<string[]> rows, Func<string[], string> plain)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            foreach (var row in rows)
            {
                output.WriteLine(plain(row));
            }

            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)));
        }

        foreach (var row in rows)
        {
            table.AddRow([.. row.Select(cell => new Text(cell))]);
        }

        AnsiConsole.Write(table);
    }
}
