namespace Cluster.Agents.Core.Configuration;

/// <summary>
/// Checks that the braces and brackets of a HOCON text pair up before Akka's parser reads it: that parser never
/// returns from some malformed texts (<c>a = [1,}</c> or <c>a = [1, @]</c> spin and eat memory), so a typo in a
/// configuration file would hang a node at start instead of failing with an error. Also refused: the characters
/// HOCON allows only in quoted strings, and <c>:</c> or <c>=</c> between the values of an array.
/// </summary>
internal static class HoconBrackets
{
    // The parser recurses per level of nesting; far deeper texts would end the process with a stack overflow.
    private const int MaximumDepth = 64;

    /// <summary>Tells what is wrong with the brackets of <paramref name="text"/>, or null when they pair up.</summary>
    /// <param name="text">A HOCON text.</param>
    /// <returns>Null, or the problem with its line and column.</returns>
    public static string? Problem(string text)
    {
        var open = new Stack<(char Bracket, int Line, int Column)>();
        var line = 1;
        var column = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            column++;
            if (c == '\n')
            {
                line++;
                column = 0;
                continue;
            }

            if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                // A comment runs to the end of its line.
                while (i + 1 < text.Length && text[i + 1] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '"')
            {
                if (SkipString(text, ref i, ref line, ref column) is { } unclosed)
                {
                    return unclosed;
                }

                continue;
            }

            if (Misplaced(text, i, open.Count > 0 && open.Peek().Bracket == '[') is { } misplaced)
            {
                return $"'{c}' at line {line}, column {column} {misplaced}";
            }

            switch (c)
            {
                case '{' or '[':
                    if (open.Count == MaximumDepth)
                    {
                        return $"'{c}' at line {line}, column {column} nests objects and arrays more than {MaximumDepth} deep";
                    }

                    open.Push((c, line, column));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0)
                    {
                        return $"'{c}' at line {line}, column {column} closes nothing";
                    }

                    var (bracket, atLine, atColumn) = open.Pop();
                    if (bracket != expected)
                    {
                        return $"'{c}' at line {line}, column {column} does not close the '{bracket}' opened at line {atLine}, column {atColumn}";
                    }

                    break;
            }
        }

        return open.Count == 0 ? null : $"the '{open.Peek().Bracket}' opened at line {open.Peek().Line}, column {open.Peek().Column} is never closed";
    }

    // Characters that HOCON allows only in quoted strings, or only in one construct; the parser loops on some of them.
    private static string? Misplaced(string text, int i, bool inArray) => text[i] switch
    {
        '`' or '^' or '!' or '@' or '*' or '&' or '\\' => "must be in a quoted string",
        '?' when i < 2 || text[i - 1] != '{' || text[i - 2] != '$' => "must be in a quoted string (or start an optional substitution ${?name})",
        '$' when i + 1 >= text.Length || text[i + 1] != '{' => "must be in a quoted string (or start a substitution ${name})",
        ':' or '=' when inArray => "cannot stand between the values of an array; quote it, or close the array first",
        _ => null,
    };

    private static string? SkipString(string text, ref int i, ref int line, ref int column)
    {
        var (startLine, startColumn) = (line, column);
        var triple = i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"';
        i += triple ? 3 : 1;
        column += triple ? 2 : 0;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            column++;
            if (c == '\n')
            {
                if (!triple)
                {
                    return $"the string opened at line {startLine}, column {startColumn} is not closed on its line";
                }

                line++;
                column = 0;
            }
            else if (!triple && c == '\\')
            {
                i++;
                column++;
            }
            else if (c == '"' && (!triple || (i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"')))
            {
                if (triple)
                {
                    // A triple-quoted string ends at the last of a run of quotes.
                    while (i + 3 < text.Length && text[i + 3] == '"')
                    {
                        i++;
                        column++;
                    }

                    i += 2;
                    column += 2;
                }

                return null;
            }
        }

        return $"the string opened at line {startLine}, column {startColumn} is never closed";
    }
}
