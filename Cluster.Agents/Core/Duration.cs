using System.Globalization;
using System.Text.RegularExpressions;

namespace Cluster.Agents.Core;

/// <summary>
/// The one duration grammar of the framework, for agent code (<c>Every("100 ms", ...)</c>) and for every
/// duration in configuration: a number and its unit, such as <c>"100 ms"</c>, <c>"20ms"</c>, <c>"1 s"</c>,
/// <c>"2 seconds"</c>, <c>"1 minute"</c> or <c>"0.05ms"</c>.
/// </summary>
/// <remarks>
/// <para>
/// A unit is required: a bare number such as <c>"5"</c> is refused, because HOCON's own reader takes it for
/// milliseconds where a reader of seconds would take it for seconds. In code, pass a <see cref="TimeSpan"/>
/// or use <see cref="FromSeconds"/> for a number of seconds.
/// </para>
/// <para>
/// Units, as HOCON spells them: <c>ns</c>, <c>nano(s)</c>, <c>nanosecond(s)</c>; <c>us</c>, <c>micro(s)</c>,
/// <c>microsecond(s)</c>; <c>ms</c>, <c>milli(s)</c>, <c>millisecond(s)</c>; <c>s</c>, <c>second(s)</c>;
/// <c>m</c>, <c>minute(s)</c>; <c>h</c>, <c>hour(s)</c>; <c>d</c>, <c>day(s)</c>. Case does not matter, the
/// space before the unit is optional and the number may have a decimal part (<c>"1.5 s"</c>). A negative
/// duration is refused.
/// </para>
/// </remarks>
public static partial class Duration
{
    /// <summary>The units a duration may have, for error messages.</summary>
    public const string Units = "ns, us, ms, s, m (minutes), h, d, or their names such as \"milliseconds\" or \"minutes\"";

    [GeneratedRegex(@"^\s*(?<number>\d+(\.\d+)?)\s*(?<unit>[a-zA-Z]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses <paramref name="text"/> as a duration.</summary>
    /// <param name="text">The duration, e.g. <c>"100 ms"</c> or <c>"2 seconds"</c>.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="FormatException">
    /// The text is not a number with a unit; the message quotes it and says how to write it.
    /// </exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problem = Read(text, out var duration);
        return problem is null ? duration : throw new FormatException($"'{text}' is not a duration: {problem}");
    }

    /// <summary>Parses <paramref name="text"/> as a duration, without throwing.</summary>
    /// <param name="text">The duration text.</param>
    /// <param name="duration">The duration, when the text is one.</param>
    /// <returns>Whether the text is a number with a unit.</returns>
    public static bool TryParse(string? text, out TimeSpan duration) => Read(text, out duration) is null;

    /// <summary>Converts a number of seconds to a duration.</summary>
    /// <param name="seconds">The number of seconds; not negative.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The number is negative, infinite or not a number.</exception>
    public static TimeSpan FromSeconds(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A duration must be a finite, non-negative number of seconds.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Reads a duration, returning what is wrong with the text instead of throwing.</summary>
    /// <param name="text">The duration text.</param>
    /// <param name="duration">The duration, when the text is one.</param>
    /// <returns>Null when the text is a duration; else what is wrong and how to fix it, as a sentence.</returns>
    internal static string? Read(string? text, out TimeSpan duration)
    {
        duration = default;
        var match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success ||
            !double.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return $"expected a number with a unit ({Units}), e.g. \"100 ms\" or \"2 seconds\".";
        }

        var unit = match.Groups["unit"].Value;
        if (unit.Length == 0)
        {
            var shown = match.Groups["number"].Value;
            return $"a duration needs a unit, e.g. \"{shown} ms\" or \"{shown} s\".";
        }

        var seconds = SecondsPer(unit.ToLowerInvariant()) * number;
        if (seconds is null)
        {
            return $"'{unit}' is not a unit of time; a duration takes {Units}.";
        }

        if (seconds.Value >= TimeSpan.MaxValue.TotalSeconds)
        {
            return "too long for a duration.";
        }

        duration = TimeSpan.FromTicks((long)Math.Round(seconds.Value * TimeSpan.TicksPerSecond));
        return null;
    }

    private static double? SecondsPer(string unit) => unit switch
    {
        "ns" or "nano" or "nanos" or "nanosecond" or "nanoseconds" => 1e-9,
        "us" or "micro" or "micros" or "microsecond" or "microseconds" => 1e-6,
        "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => 1e-3,
        "s" or "second" or "seconds" => 1,
        "m" or "minute" or "minutes" => 60,
        "h" or "hour" or "hours" => 3600,
        "d" or "day" or "days" => 86400,
        _ => null,
    };
}
