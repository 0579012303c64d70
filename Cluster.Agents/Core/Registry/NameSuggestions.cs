namespace Cluster.Agents.Core.Registry;

/// <summary>Finds registered names that look like a mistyped one.</summary>
internal static class NameSuggestions
{
    public const int Max = 5;

    public static IReadOnlyList<string> For(string wanted, IEnumerable<string> names)
    {
        var limit = Math.Max(2, wanted.Length / 3);
        return names
            .Select(name => (Name: name, Distance: Distance(wanted, name)))
            .Where(candidate => candidate.Distance <= limit
                || candidate.Name.Contains(wanted, StringComparison.OrdinalIgnoreCase)
                || (wanted.Length > 0 && wanted.Contains(candidate.Name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(candidate => candidate.Distance)
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .Take(Max)
            .Select(candidate => candidate.Name)
            .ToArray();
    }

    // Levenshtein distance, case-insensitive, two rows.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
