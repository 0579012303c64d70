namespace Cluster.Agents.Commands;

/// <summary>Names clu's message codes, the first thing a reader of a reply looks at.</summary>
public static class MessageCodes
{
    /// <summary>A debug message.</summary>
    public const char Debug = 'd';

    /// <summary>An informational message.</summary>
    public const char Info = 'i';

    /// <summary>A warning.</summary>
    public const char Warning = 'w';

    /// <summary>An error that does not end the command.</summary>
    public const char Error = 'e';

    /// <summary>The command failed (also cancelled or timed out).</summary>
    public const char Failed = 'f';

    /// <summary>A fatal error of the actor.</summary>
    public const char Fatal = '!';

    /// <summary>The command finished successfully.</summary>
    public const char Done = ':';

    /// <summary>The command started running.</summary>
    public const char Running = '>';

    /// <summary>Tells whether <paramref name="code"/> is one of clu's codes.</summary>
    /// <param name="code">The code.</param>
    /// <returns>True for <c>d i w e f ! : &gt;</c>.</returns>
    public static bool IsValid(char code) => code is Debug or Info or Warning or Error or Failed or Fatal or Done or Running;

    /// <summary>Reads a code given as text, e.g. <c>"i"</c>.</summary>
    /// <param name="code">One character, one of <c>d i w e f ! : &gt;</c>.</param>
    /// <returns>The code.</returns>
    /// <exception cref="ArgumentException">The text is not one of the codes; the message names it.</exception>
    public static char Parse(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.Length == 1 && IsValid(code[0])
            ? code[0]
            : throw new ArgumentException($"'{code}' is not a message code; the codes are d i w e f ! : >.", nameof(code));
    }
}
