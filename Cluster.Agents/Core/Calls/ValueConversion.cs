using System.Globalization;
using System.Runtime.Serialization;
using Cluster.Contracts.Calls;

namespace Cluster.Agents.Core.Calls;

/// <summary>
/// The one rule that turns what arrived in a call into the type that is wanted: an endpoint's argument into its
/// parameter's type, an answer into the caller's expected type.
/// </summary>
/// <remarks>
/// In order: null fits a reference or nullable type; a <see cref="JsonArgument"/> is read as the wanted type
/// (as plain values for <see cref="object"/>: integral numbers as <see cref="long"/>, others as <see cref="double"/>);
/// a value of the wanted type is taken as it is; a face's own conversion is tried (an agent address becomes a proxy);
/// an enum is read from its name or number; any other <see cref="IConvertible"/> is converted with the invariant
/// culture (a <see cref="long"/> to a <see cref="double"/>, a string to a number). Nothing else converts.
/// </remarks>
public static class ValueConversion
{
    /// <summary>Converts <paramref name="value"/> to <paramref name="type"/> if the rule allows it.</summary>
    /// <param name="value">The value that arrived.</param>
    /// <param name="type">The wanted type.</param>
    /// <param name="custom">A face's own conversion: returns the converted value, or null to leave it to the rule.</param>
    /// <param name="converted">The converted value.</param>
    /// <returns>True if the value converts.</returns>
    public static bool TryConvert(object? value, Type type, Func<object, Type, object?>? custom, out object? converted)
    {
        ArgumentNullException.ThrowIfNull(type);
        converted = null;
        if (value is null)
        {
            return !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        }

        if (value is JsonArgument json)
        {
            try
            {
                converted = type == typeof(object) ? JsonPayload.FromJson(json.Json) : JsonPayload.FromJson(json.Json, type);
            }
            catch (FormatException)
            {
                return false;
            }

            return converted is not null || !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        }

        if (type.IsInstanceOfType(value))
        {
            converted = value;
            return true;
        }

        if (custom?.Invoke(value, type) is { } byFace)
        {
            converted = byFace;
            return true;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            if (target.IsEnum)
            {
                if (value is string name && Enum.TryParse(target, name, ignoreCase: true, out var member) && !char.IsAsciiDigit(name.TrimStart('-')[0]))
                {
                    converted = member;
                    return true;
                }

                if (value is sbyte or byte or short or ushort or int or uint or long or ulong)
                {
                    converted = Enum.ToObject(target, value);
                    return true;
                }

                return false;
            }

            if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(target) && target != typeof(object))
            {
                converted = Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
                return true;
            }
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or ArgumentException)
        {
            // The value does not convert; the caller reports it with its own context.
        }

        return false;
    }

    /// <summary>Gets an answer as <typeparamref name="T"/>, converting it by the rule, or throws the error the caller sees.</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="value">The answer.</param>
    /// <param name="answeredBy">Describes who answered, for the error, e.g. <c>'drive' on akka.tcp://robot@10.0.0.2:4053</c>.</param>
    /// <param name="custom">A face's own conversion, as in <see cref="TryConvert"/>.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="InvalidCastException">The answer does not convert to <typeparamref name="T"/>.</exception>
    /// <exception cref="SerializationException">The answer arrived but could not be deserialized on this node.</exception>
    public static T Expect<T>(object? value, Func<string> answeredBy, Func<object, Type, object?>? custom = null)
    {
        ArgumentNullException.ThrowIfNull(answeredBy);
        if (value is UnreadablePayload unreadable)
        {
            throw new SerializationException($"{answeredBy()} answered, but {char.ToLowerInvariant(unreadable.Reason[0])}{unreadable.Reason[1..]}");
        }

        if (value is T typed and not JsonArgument)
        {
            return typed;
        }

        if (TryConvert(value, typeof(T), custom, out var converted))
        {
            return (T)converted!;
        }

        throw new InvalidCastException($"{answeredBy()} answered with {value?.GetType().FullName ?? "null"} where {typeof(T).FullName} was expected.");
    }
}
