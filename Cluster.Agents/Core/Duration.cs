using System.Globalization;
using System.Text.RegularExpressions;

namespace Cluster.Agents.Core;

/// <summary>
/// Parses the duration strings used in agent code and configuration: <c>"100 ms"</c>, <c>"20ms"</c>,
/// <c>"1 s"</c>, <c>"2 seconds"</c>, <c>"1 m"</c>, <c>"1 minute"</c>, <c>"1 millisecond"</c>, or a bare
/// number of seconds such as <c>"0.5"</c>.
/// </summary>
/// <remarks>
/// Units: <c>ms</c>, <c>millisecond</c>, <c>milliseconds</c>; <c>s</c>, <c>second</c>, <c>seconds</c>;
/// <c>m</c>, <c>minute</c>, <c>minutes</c>. The space before the unit is optional and the number may have a
/// decimal part (<c>"1.5 s"</c>). A negative duration is refused.
/// </remarks>
public static partial class Duration
{
    [GeneratedRegex(@"^\s*(?<number>\d+(\.\d+)?)\s*(?<unit>[a-zA-Z]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses <paramref name="text"/> as a duration.</summary>
    /// <param name="text">The duration, e.g. <c>"100 ms"</c> or <c>"2 seconds"</c>.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="FormatException">The text is not a duration; the message quotes it.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var duration)
            ? duration
            : throw new FormatException(
                $"'{text}' is not a duration: expected a number of seconds or a number with a unit " +
                "(ms, millisecond(s), s, second(s), m, minute(s)), e.g. \"100 ms\" or \"2 seconds\".");
    }

    /// <summary>Parses <paramref name="text"/> as a duration, without throwing.</summary>
    /// <param name="text">The duration text.</param>
    /// <param name="duration">The duration, when the text is one.</param>
    /// <returns>Whether the text is a duration.</returns>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (text is null)
        {
            return false;
        }

        var match = Pattern().Match(text);
        if (!match.Success ||
            !double.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        double? seconds = match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "" or "s" or "second" or "seconds" => number,
            "ms" or "millisecond" or "milliseconds" => number / 1000.0,
            "m" or "minute" or "minutes" => number * 60.0,
            _ => null,
        };
        if (seconds is null || seconds.Value > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds.Value);
        return true;
    }

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
}
