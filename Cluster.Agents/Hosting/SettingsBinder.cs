using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Binds an agent's configured settings to its settings object with Microsoft.Extensions.Configuration's binder
/// and validates it as options, refusing anything it cannot bind with an error that names the key and the value.
/// </summary>
/// <remarks>
/// The binder alone would name a key in its own terms and read a duration as a <see cref="TimeSpan"/>
/// (<c>00:00:05</c>); a first pass over the values matches each to its property, checks scalars, and rewrites
/// durations (read with the one grammar of <see cref="Core.Duration"/>) and HOCON's on/off booleans into the
/// binder's forms, so every error names the key as the configuration spells it.
/// </remarks>
internal static class SettingsBinder
{
    private static readonly MethodInfo CreateMethod = typeof(SettingsBinder).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Creates a settings object of <paramref name="settingsType"/> from its configured values.</summary>
    /// <param name="settingsType">The settings type.</param>
    /// <param name="values">The values, with paths below the settings block.</param>
    /// <param name="keyPrefix">The settings block's key, used in error messages.</param>
    /// <param name="nodeConfig">The node's whole configuration, for settings that validate themselves against it.</param>
    /// <returns>The settings object.</returns>
    /// <exception cref="ClusterConfigurationException">A key is missing, unknown, or has a bad value.</exception>
    public static object Bind(Type settingsType, IReadOnlyList<SettingValue> values, string keyPrefix, Config nodeConfig)
    {
        if (settingsType.IsValueType || settingsType.IsAbstract || settingsType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ClusterConfigurationException(keyPrefix, null, $"the settings type {settingsType.FullName} needs to be a class with a public parameterless constructor.");
        }

        var properties = settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

        var bound = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in values.GroupBy(v => Loose(v.Path[0]), StringComparer.OrdinalIgnoreCase))
        {
            var first = group.First();
            var groupKey = first.Path.Count == 1 ? first.Key : $"{keyPrefix}.{first.Path[0]}";
            if (!properties.TryGetValue(group.Key, out var property))
            {
                var known = properties.Count == 0 ? "none" : string.Join(", ", properties.Values.Select(p => KebabCase(p.Name)).Order(StringComparer.Ordinal));
                throw new ClusterConfigurationException(groupKey, first.Path.Count == 1 ? first.Value : null, $"unknown setting; {settingsType.Name} has: {known}.");
            }

            given.Add(property.Name);
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsScalar(target))
            {
                if (group.Count() != 1 || first.Path.Count != 1)
                {
                    throw new ClusterConfigurationException(groupKey, null, $"expected a single value of type {target.Name}.");
                }

                bound[property.Name] = Check(first, target);
                continue;
            }

            // Objects and lists are left to the binder, which matches their keys to properties ignoring case.
            foreach (var value in group)
            {
                bound[ConfigurationPath.Combine([property.Name, .. value.Path.Skip(1)])] = value.Value;
            }
        }

        foreach (var property in properties.Values)
        {
            if (property.GetCustomAttribute<RequiredMemberAttribute>() is not null && !given.Contains(property.Name))
            {
                throw new ClusterConfigurationException($"{keyPrefix}.{KebabCase(property.Name)}", null, $"missing: {settingsType.Name}.{property.Name} is required.");
            }
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(bound).Build();
        var create = CreateMethod.MakeGenericMethod(settingsType).CreateDelegate<Func<IConfiguration, string, Config, object>>();
        return create(configuration, keyPrefix, nodeConfig);
    }

    // The options pipeline: bind, then every IValidateOptions<T>, as a host would on start.
    private static object Create<T>(IConfiguration configuration, string keyPrefix, Config nodeConfig)
        where T : class
    {
        var services = new ServiceCollection();
        services.AddOptions<T>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        services.AddSingleton<IValidateOptions<T>>(new ValidatedSettingsValidator<T>(keyPrefix, nodeConfig));
        using var provider = services.BuildServiceProvider();
        try
        {
            return provider.GetRequiredService<IOptionsFactory<T>>().Create(Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            throw new ClusterConfigurationException(keyPrefix, null, string.Join(" ", e.Failures), e);
        }
        catch (InvalidOperationException e)
        {
            throw new ClusterConfigurationException(keyPrefix, null, $"could not be bound: {e.Message}", e);
        }
    }

    private static bool IsScalar(Type type) =>
        type == typeof(string) || type == typeof(TimeSpan) || type.IsEnum ||
        TypeDescriptor.GetConverter(type) is var converter && converter.GetType() != typeof(TypeConverter) && converter.CanConvertFrom(typeof(string));

    // Returns the value in the binder's form, or throws naming the key.
    private static string Check(SettingValue value, Type target)
    {
        var text = value.Value;
        if (target == typeof(string))
        {
            return text;
        }

        if (target == typeof(TimeSpan))
        {
            return ConfigDurations.Parse(value.Key, text).ToString("c", CultureInfo.InvariantCulture);
        }

        string? result;
        if (target == typeof(bool))
        {
            result = text.Trim().ToLowerInvariant() switch
            {
                "true" or "on" or "yes" => "true",
                "false" or "off" or "no" => "false",
                _ => null,
            };
        }
        else if (target.IsEnum)
        {
            result = Enum.TryParse(target, text, ignoreCase: true, out var e) && Enum.IsDefined(target, e!) ? e!.ToString() : null;
        }
        else
        {
            result = Converts(text, target) ? text : null;
        }

        return result ?? throw new ClusterConfigurationException(value.Key, text, $"not a valid {Describe(target)}.");
    }

    private static bool Converts(string text, Type target)
    {
        try
        {
            return TypeDescriptor.GetConverter(target).ConvertFromInvariantString(text) is not null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(bool) => "boolean (true/false, on/off, yes/no)",
        _ when type.IsEnum => $"{type.Name} (one of {string.Join(", ", Enum.GetNames(type))})",
        _ => type.Name,
    };

    private static string Loose(string key) => key.Replace("-", string.Empty, StringComparison.Ordinal);

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
