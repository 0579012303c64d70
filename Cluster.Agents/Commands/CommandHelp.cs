using Cli = System.CommandLine;

namespace Cluster.Agents.Commands;

/// <summary>Writes the help of a command actor: its commands with their arguments, or the usage of one command.</summary>
internal static class CommandHelp
{
    public static List<string> Describe(Cli.Command root, IReadOnlyList<string> path, out string? problem)
    {
        problem = null;
        var command = root;
        foreach (var word in path.Where(w => w.Length > 0 && w != "\"\""))
        {
            var next = command.Subcommands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word));
            if (next is null)
            {
                problem = $"Command '{string.Join(' ', path)}' not found.";
                return [];
            }

            command = next;
        }

        if (ReferenceEquals(command, root))
        {
            return [.. root.Subcommands.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => $"{Usage(c)}  {c.Description}".TrimEnd())];
        }

        var lines = new List<string> { $"Usage: {Usage(command)}" };
        if (!string.IsNullOrEmpty(command.Description))
        {
            lines.Add(command.Description);
        }

        if (command.Arguments.Count > 0)
        {
            lines.Add("Arguments:");
            lines.AddRange(command.Arguments.Select(a => $"  <{a.Name}>  {a.Description}".TrimEnd()));
        }

        if (command.Options.Count > 0)
        {
            lines.Add("Options:");
            lines.AddRange(command.Options.Select(o => $"  {string.Join(", ", new[] { o.Name }.Concat(o.Aliases))} <{o.ValueType.Name.ToLowerInvariant()}>  {o.Description}".TrimEnd()));
        }

        if (command.Subcommands.Count > 0)
        {
            lines.Add("Commands:");
            lines.AddRange(command.Subcommands.Select(c => $"  {Usage(c)}  {c.Description}".TrimEnd()));
        }

        return lines;
    }

    private static string Usage(Cli.Command command)
    {
        var parts = new List<string> { command.Name };
        parts.AddRange(command.Arguments.Select(a => $"<{a.Name}>"));
        if (command.Options.Count > 0)
        {
            parts.Add("[options]");
        }

        if (command.Subcommands.Count > 0)
        {
            parts.Add("<command>");
        }

        return string.Join(' ', parts);
    }
}
