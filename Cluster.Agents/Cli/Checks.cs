using System.Globalization;
using Cluster.Agents.Core;

namespace Cluster.Agents.Cli;

/// <summary>The checks of a verb's input, each naming what was wrong, done before anything connects.</summary>
internal static class Checks
{
    public static string NotEmpty(string value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{name}: give a value, it is empty.") : value;

    public static TimeSpan Deadline(string text, string name)
    {
        TimeSpan value;
        try
        {
            value = Duration.Parse(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{name}: {e.Message}", e);
        }

        return value > TimeSpan.Zero ? value : throw new ArgumentException($"{name}: '{text}' must be positive.");
    }

    public static int? Count(int? count, string name) =>
        count is <= 0 ? throw new ArgumentException($"{name} must be positive, was {count.Value.ToString(CultureInfo.InvariantCulture)}.") : count;
}
