using System.Text;
using System.Text.RegularExpressions;

namespace Cluster.Agents.Core.Topics;

/// <summary>
/// A subscription pattern: an exact topic name, or a glob with fnmatch's rules: <c>*</c> matches any run
/// of characters including <c>/</c>, <c>?</c> one character, <c>[abc]</c> and <c>[a-z]</c> one of a set,
/// <c>[!abc]</c> one character not in it. A pattern without wildcards matches only itself.
/// </summary>
public sealed class TopicPattern
{
    private static readonly char[] Wildcards = ['*', '?', '['];
    private static readonly char[] Forbidden = ['*', '?', '[', ']'];
    private readonly Regex? _regex;

    private TopicPattern(string text, Regex? regex)
    {
        Text = text;
        _regex = regex;
    }

    /// <summary>Gets the pattern as written.</summary>
    public string Text { get; }

    /// <summary>Gets whether the pattern has wildcards.</summary>
    public bool IsGlob => _regex is not null;

    /// <summary>Parses a subscription pattern.</summary>
    /// <param name="pattern">The pattern, e.g. <c>drive/odometry</c>, <c>*/heartbeat</c> or <c>imu/[lr]eft</c>.</param>
    /// <returns>The pattern.</returns>
    /// <exception cref="ArgumentException">The pattern is empty, has an unclosed <c>[</c> or an invalid set such as <c>[z-a]</c>.</exception>
    public static TopicPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0)
        {
            throw new ArgumentException("A topic pattern cannot be empty.", nameof(pattern));
        }

        if (pattern.IndexOfAny(Wildcards) < 0)
        {
            return new TopicPattern(pattern, null);
        }

        try
        {
            // Patterns arrive from other nodes: a matcher without backtracking runs in time linear in the topic, whatever the pattern.
            return new TopicPattern(pattern, new Regex(ToRegex(pattern), RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking));
        }
        catch (ArgumentException e) when (e is not ArgumentNullException && e.ParamName != nameof(pattern))
        {
            // A set such as [z-a]: the regular expression's own error, told about the pattern that was written.
            throw new ArgumentException($"The topic pattern '{pattern}' has an invalid set: {e.Message}", nameof(pattern), e);
        }
    }

    /// <summary>Checks that <paramref name="topic"/> can be published on: not empty and without wildcard characters.</summary>
    /// <param name="topic">The topic name.</param>
    /// <exception cref="ArgumentException">The topic is empty or has <c>* ? [ ]</c>.</exception>
    public static void ValidateTopic(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (topic.Length == 0)
        {
            throw new ArgumentException("A topic name cannot be empty.", nameof(topic));
        }

        if (topic.IndexOfAny(Forbidden) >= 0)
        {
            throw new ArgumentException($"The topic name '{topic}' has a wildcard character (* ? [ ]): publish on a plain name; wildcards are for subscriptions.", nameof(topic));
        }
    }

    /// <summary>Tells whether <paramref name="topic"/> matches this pattern.</summary>
    /// <param name="topic">A topic name.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(string topic) => _regex?.IsMatch(topic) ?? string.Equals(Text, topic, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Text;

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^", pattern.Length * 2);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[':
                    // A ']' right after '[' or '[!' belongs to the set, as in fnmatch.
                    var first = i + 1 < pattern.Length && pattern[i + 1] == '!' ? i + 2 : i + 1;
                    var close = first + 1 < pattern.Length ? pattern.IndexOf(']', first + 1) : -1;
                    if (close < 0)
                    {
                        throw new ArgumentException($"The topic pattern '{pattern}' has an unclosed '[' at position {i}.", nameof(pattern));
                    }

                    var set = pattern[(i + 1)..close];
                    regex.Append('[');
                    if (set.StartsWith('!'))
                    {
                        regex.Append('^');
                        set = set[1..];
                    }

                    regex.Append(set.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("^", @"\^", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal));
                    regex.Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.Append('$').ToString();
    }
}
