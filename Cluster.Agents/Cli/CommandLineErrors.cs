using System.CommandLine;
using System.Text.RegularExpressions;

namespace Cluster.Agents.Cli;

/// <summary>
/// Reports what the command line got wrong in our own words, without the parser's CLR type names and without the whole
/// help, and exits 2: the one rule for bad input, for every program and verb.
/// </summary>
public static partial class CommandLineErrors
{
    /// <summary>The exit code for bad input.</summary>
    public const int BadInput = 2;

    /// <summary>Writes each parse error of <paramref name="parse"/>, then where to find the usage.</summary>
    /// <param name="parse">The parse result, with at least one error.</param>
    /// <param name="errors">Where to write.</param>
    /// <returns>The exit code for bad input, 2.</returns>
    public static async Task<int> ReportAsync(ParseResult parse, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var error in parse.Errors.Select(e => Reword(e.Message)).Distinct(StringComparer.Ordinal))
        {
            await errors.WriteLineAsync($"error: {error}").ConfigureAwait(false);
        }

        var names = new List<string>();
        for (var result = (System.CommandLine.Parsing.SymbolResult?)parse.CommandResult; result is not null; result = result.Parent)
        {
            if (result is System.CommandLine.Parsing.CommandResult command)
            {
                names.Insert(0, command.Command.Name);
            }
        }

        await errors.WriteLineAsync($"see: {string.Join(' ', names)} --help").ConfigureAwait(false);
        return BadInput;
    }

    /// <summary>Rewrites a parser message in the operator's terms: what was given, where, and what was expected.</summary>
    /// <param name="message">The parser's message.</param>
    /// <returns>The message in our words.</returns>
    public static string Reword(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var match = CannotParse().Match(message);
        if (match.Success)
        {
            return $"{match.Groups["name"].Value}: '{match.Groups["value"].Value}' is not {Expected(match.Groups["type"].Value)}.";
        }

        return ClrType().Replace(message, "a value");
    }

    private static string Expected(string type) => type switch
    {
        _ when type.Contains("Int", StringComparison.Ordinal) => "a whole number",
        _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) => "a number",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ => "a valid value",
    };

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|argument|command) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"'System\.[^']*'")]
    private static partial Regex ClrType();
}
