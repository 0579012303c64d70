using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Configuration.Hocon;
using Cluster.Agents.Core;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Binds a HOCON <c>settings</c> block to an agent's settings object, refusing anything it cannot bind
/// with an error that names the key and the value.
/// </summary>
/// <remarks>
/// The settings type has a public parameterless constructor and public settable (or <c>init</c>)
/// properties. Each property is set from the key of the same name in kebab-case (<c>MaxSpeed</c> from
/// <c>max-speed</c>); a property declared <c>required</c> must be given; a key with no property is an error.
/// Supported property types: <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>,
/// <see cref="long"/>, <see cref="double"/>, <see cref="TimeSpan"/> (a <see cref="Duration"/> string such as
/// <c>"100 ms"</c>, or a number of seconds), enums (by name), and their nullable forms.
/// </remarks>
public static class SettingsBinder
{
    /// <summary>Creates a settings object of <paramref name="settingsType"/> from a HOCON block.</summary>
    /// <param name="settingsType">The settings type.</param>
    /// <param name="block">The HOCON block, or null when none was given.</param>
    /// <param name="keyPrefix">The block's HOCON path, used in error messages.</param>
    /// <returns>The settings object.</returns>
    /// <exception cref="ClusterConfigurationException">A key is missing, unknown, or has a bad value.</exception>
    public static object Bind(Type settingsType, HoconValue? block, string keyPrefix)
    {
        if (settingsType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ClusterConfigurationException(keyPrefix, null, $"the settings type {settingsType.FullName} needs a public parameterless constructor.");
        }

        var properties = settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .ToDictionary(p => KebabCase(p.Name), StringComparer.Ordinal);

        var items = new Dictionary<string, HoconValue>(StringComparer.Ordinal);
        if (block is not null)
        {
            if (!block.IsObject())
            {
                throw new ClusterConfigurationException(keyPrefix, block.ToString(), "expected an object of settings.");
            }

            foreach (var item in block.GetObject().Items)
            {
                items[item.Key] = item.Value;
            }
        }

        var settings = Activator.CreateInstance(settingsType)!;
        foreach (var (key, value) in items)
        {
            if (!properties.TryGetValue(key, out var property))
            {
                var known = properties.Count == 0 ? "none" : string.Join(", ", properties.Keys.Order(StringComparer.Ordinal));
                throw new ClusterConfigurationException($"{keyPrefix}.{key}", value.ToString(), $"unknown setting; {settingsType.Name} has: {known}.");
            }

            property.SetValue(settings, Convert(value, property.PropertyType, $"{keyPrefix}.{key}"));
        }

        foreach (var (key, property) in properties)
        {
            if (property.GetCustomAttribute<RequiredMemberAttribute>() is not null)
            {
                if (!items.ContainsKey(key))
                {
                    throw new ClusterConfigurationException($"{keyPrefix}.{key}", null, $"missing: {settingsType.Name}.{property.Name} is required.");
                }
            }
        }

        return settings;
    }

    private static object? Convert(HoconValue value, Type type, string key)
    {
        if (!value.IsString())
        {
            throw new ClusterConfigurationException(key, value.ToString(), $"expected a single value of type {type.Name}.");
        }

        var text = value.GetString();
        var target = Nullable.GetUnderlyingType(type) ?? type;
        object? result = target switch
        {
            _ when target == typeof(string) => text,
            _ when target == typeof(bool) => text.ToLowerInvariant() switch
            {
                "true" or "on" or "yes" => true,
                "false" or "off" or "no" => false,
                _ => null,
            },
            _ when target == typeof(int) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null,
            _ when target == typeof(long) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            _ when target == typeof(double) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            _ when target == typeof(TimeSpan) => Duration.TryParse(text, out var t) ? t : null,
            _ when target.IsEnum => Enum.TryParse(target, text, ignoreCase: true, out var e) && Enum.IsDefined(target, e!) ? e : null,
            _ => throw new ClusterConfigurationException(key, text, $"settings of type {target.Name} are not supported; use string, bool, int, long, double, TimeSpan or an enum."),
        };

        return result ?? throw new ClusterConfigurationException(key, text, $"not a valid {Describe(target)}.");
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(bool) => "boolean (true/false, on/off, yes/no)",
        _ when type == typeof(TimeSpan) => "duration (e.g. \"100 ms\", \"2 seconds\", or a number of seconds)",
        _ when type.IsEnum => $"{type.Name} (one of {string.Join(", ", Enum.GetNames(type))})",
        _ => type.Name,
    };

    private static string KebabCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
