namespace Cluster.Agents.Core.Configuration;

/// <summary>
/// Finds the syntax errors HOCON's parser reports late, vaguely or not at all (an unclosed brace, a closing brace too many, a
/// key without a value, an empty list element) and names the file, line and column of each.
/// </summary>
/// <remarks>
/// It only scans: strings, triple-quoted strings, comments and <c>${...}</c> substitutions are skipped, and everything it does
/// not flag is left to the parser. It runs before the parser, so the first error reported is the first one in the file.
/// It also refuses what Akka's parser never returns from (<c>a = [1,}</c> or <c>a = [1, @]</c> spin and eat memory; nesting
/// thousands deep overflows its stack), so a typo in a configuration file fails a node's start instead of hanging it: the
/// characters HOCON allows only in quoted strings, <c>:</c> or <c>=</c> between the values of a list, and nesting deeper
/// than 64.
/// </remarks>
public static class HoconSyntax
{
    /// <summary>Checks <paramref name="text"/>, read from <paramref name="file"/>.</summary>
    /// <param name="text">The HOCON text.</param>
    /// <param name="file">The file's path, for the message.</param>
    /// <exception cref="ClusterConfigurationException">The text has a syntax error; the key is <c>file:line:column</c>.</exception>
    public static void Check(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        new Scanner(text, file).Run();
    }

    private sealed class Scanner(string text, string file)
    {
        // Akka's parser recurses per level of nesting; far deeper texts would end the process with a stack overflow.
        private const int MaximumDepth = 64;

        private readonly Stack<(char Bracket, int Line, int Column)> _open = new();
        private int _index;
        private int _line = 1;
        private int _column = 1;

        // At the start of a field in an object: a separator here ends a key; a value must follow it.
        private bool _atKey = true;
        private bool _keySeen;

        // In a list: whether an element was seen since the '[' or the last ','.
        private bool _elementSeen;

        private bool InList => _open.Count > 0 && _open.Peek().Bracket == '[';

        public void Run()
        {
            while (_index < text.Length)
            {
                var c = text[_index];
                if (c == '#' || (c == '/' && Next(1) == '/'))
                {
                    SkipToEndOfLine();
                    continue;
                }

                if (c == '"')
                {
                    SkipString();
                    Mark();
                    continue;
                }

                if (c == '$' && Next(1) == '{')
                {
                    SkipSubstitution();
                    Mark();
                    continue;
                }

                if (Misplaced(c) is { } misplaced)
                {
                    Fail(_line, _column, $"'{c}' {misplaced}.");
                }

                switch (c)
                {
                    case '{' or '[' when _open.Count == MaximumDepth:
                        Fail(_line, _column, $"'{c}' nests objects and lists more than {MaximumDepth} deep.");
                        break;
                    case '{':
                        _open.Push(('{', _line, _column));
                        _atKey = true;
                        _keySeen = false;
                        break;
                    case '[':
                        if (InList && !_elementSeen)
                        {
                            _elementSeen = true;
                        }

                        _open.Push(('[', _line, _column));
                        _elementSeen = false;
                        break;
                    case '}' or ']':
                        Close(c);
                        break;
                    case ',':
                        if (InList && !_elementSeen)
                        {
                            Fail(_line, _column, "an empty element in a list: a ',' with no value before it.");
                        }

                        _elementSeen = false;
                        _atKey = !InList;
                        _keySeen = false;
                        break;
                    case '\n':
                        if (!InList)
                        {
                            _atKey = true;
                            _keySeen = false;
                        }

                        break;
                    case '=' or ':' when !InList && _atKey && _keySeen:
                        ExpectValue(c);
                        break;
                    case '=' or ':' when !InList && _atKey:
                        Fail(_line, _column, $"'{c}' with no key before it.");
                        break;
                    default:
                        if (!char.IsWhiteSpace(c))
                        {
                            Mark();
                        }

                        break;
                }

                Advance();
            }

            if (_open.Count > 0)
            {
                var (bracket, line, column) = _open.Peek();
                Fail(line, column, $"this '{bracket}' is never closed: a '{Closer(bracket)}' is missing.");
            }
        }

        private static char Closer(char bracket) => bracket == '{' ? '}' : ']';

        // Outside strings and substitutions (skipped before this is asked), these are refused: Akka's parser loops on
        // some of them instead of failing.
        private string? Misplaced(char c) => c switch
        {
            '`' or '^' or '!' or '@' or '*' or '&' or '\\' or '?' => "must be in a quoted string",
            '$' => "must be in a quoted string (or start a substitution ${name})",
            ':' or '=' when InList => "cannot stand between the values of a list; quote it, or close the list first",
            _ => null,
        };

        private char Next(int offset) => _index + offset < text.Length ? text[_index + offset] : '\0';

        private void Mark()
        {
            if (InList)
            {
                _elementSeen = true;
            }
            else if (_atKey)
            {
                _keySeen = true;
            }
        }

        private void Close(char closer)
        {
            if (_open.Count == 0)
            {
                Fail(_line, _column, $"this '{closer}' closes nothing: there is one too many.");
            }

            var (bracket, line, column) = _open.Pop();
            if (Closer(bracket) != closer)
            {
                Fail(_line, _column, $"this '{closer}' does not match the '{bracket}' opened at line {line}, column {column}.");
            }

            if (InList)
            {
                _elementSeen = true;
            }
            else
            {
                _atKey = false;
            }
        }

        private void ExpectValue(char separator)
        {
            var (line, column) = (_line, _column);
            var look = _index + 1;
            while (look < text.Length && text[look] is ' ' or '\t' or '\r')
            {
                look++;
            }

            var next = look < text.Length ? text[look] : '\0';
            if (next is '\0' or '\n' or '}' or ',' or ']' or '#' || (next == '/' && look + 1 < text.Length && text[look + 1] == '/'))
            {
                Fail(line, column, $"a value is missing after '{separator}'.");
            }

            _atKey = false;
        }

        private void SkipToEndOfLine()
        {
            while (_index < text.Length && text[_index] != '\n')
            {
                Advance();
            }
        }

        private void SkipString()
        {
            var (line, column) = (_line, _column);
            if (Next(1) == '"' && Next(2) == '"')
            {
                // Akka's reader takes such a key apart differently and can loop on what follows it.
                if (_atKey && !InList)
                {
                    Fail(line, column, "a \"\"\" string cannot be a key: quote a key with one pair of quotes (\"key\").");
                }

                // Akka's reader reads four quotes as an empty string and a quote, and can loop on what follows.
                if (Next(3) == '"')
                {
                    Fail(line, column, "a \"\"\" string cannot start with a quote: Akka.NET's HOCON reader takes \"\"\"\" apart differently; start it with another character.");
                }

                Advance();
                Advance();
                Advance();
                while (_index < text.Length && !(text[_index] == '"' && Next(1) == '"' && Next(2) == '"'))
                {
                    Advance();
                }

                if (_index >= text.Length)
                {
                    Fail(line, column, "this \"\"\" string is never closed.");
                }

                while (_index < text.Length && text[_index] == '"')
                {
                    Advance();
                }

                return;
            }

            Advance();
            while (_index < text.Length && text[_index] != '"')
            {
                if (text[_index] == '\n')
                {
                    Fail(line, column, "this string is not closed before the end of its line.");
                }

                if (text[_index] == '\\')
                {
                    Advance();
                }

                Advance();
            }

            if (_index >= text.Length)
            {
                Fail(line, column, "this string is never closed.");
            }

            Advance();
        }

        private void SkipSubstitution()
        {
            var (line, column) = (_line, _column);
            if (Next(2) == '?')
            {
                // Akka's reader takes ${?x} for a reference to the whole file: reading it returns nothing or never returns.
                Fail(line, column, "an optional substitution ${?...} is not supported by Akka.NET's HOCON reader, which reads no environment variables: " +
                    "write the value itself, or set the environment variable the framework reads (CLUSTER_*).");
            }

            Advance();
            Advance();
            var start = _index;
            while (_index < text.Length && text[_index] != '}')
            {
                if (text[_index] == '\n')
                {
                    Fail(line, column, "this ${...} substitution is not closed before the end of its line.");
                }

                Advance();
            }

            if (_index >= text.Length)
            {
                Fail(line, column, "this ${...} substitution is never closed.");
            }

            // Akka's reader spins on brackets or quotes in a substitution's path: only plain dotted keys are let through.
            var path = text[start.._index];
            if (path.Length == 0 || path[0] == '.' || path[^1] == '.' || path.Contains("..", StringComparison.Ordinal)
                || !path.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                Fail(line, column, $"the substitution ${{{path}}} must name a key as a dotted path of letters, digits, '-' and '_' (e.g. ${{cluster-node.port}}).");
            }

            Advance();
        }

        private void Advance()
        {
            if (_index < text.Length && text[_index] == '\n')
            {
                _line++;
                _column = 1;
            }
            else
            {
                _column++;
            }

            _index++;
        }

        private void Fail(int line, int column, string problem) =>
            throw new ClusterConfigurationException($"{file}:{line}:{column}", null, $"HOCON syntax error: {problem}");
    }
}
