using System.Text;

namespace Cluster.Agents.Commands;

/// <summary>Splits a command string into words as a POSIX shell does (clu uses <c>shlex.split</c>): quotes group words, a backslash escapes.</summary>
internal static class CommandTokenizer
{
    /// <exception cref="FormatException">A quote is not closed, or the string ends in an escape.</exception>
    public static string[] Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    inWord = true;
                    break;
                case '\\':
                    if (i + 1 >= text.Length)
                    {
                        throw new FormatException("No escaped character.");
                    }

                    word.Append(text[++i]);
                    inWord = true;
                    break;
                case var space when char.IsWhiteSpace(space):
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (quote != '\0')
        {
            throw new FormatException("No closing quotation.");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
