using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Cluster.Agents.Operator;

/// <summary>
/// Refuses JSON for a typed payload that leaves out a field the type requires: a constructor parameter without a default
/// (a positional record's field) or a <c>required</c> member. Left out, the serializer would quietly make it zero.
/// </summary>
public static class RequiredFields
{
    /// <summary>Checks that <paramref name="json"/>, an object, gives every field <paramref name="type"/> requires.</summary>
    /// <param name="json">The payload as JSON.</param>
    /// <param name="type">The payload's type.</param>
    /// <exception cref="FormatException">A required field is missing; the message names it and the type.</exception>
    public static void Check(string json, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"'{json}' is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            var given = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var field in Required(type))
            {
                if (given.Contains(field))
                {
                    continue;
                }

                var otherCase = given.FirstOrDefault(name => string.Equals(name, field, StringComparison.OrdinalIgnoreCase));
                throw new FormatException(otherCase is null
                    ? $"the field '{field}' of {type.Name} is missing: give every field it requires ({string.Join(", ", Required(type))})."
                    : $"the field '{field}' of {type.Name} is missing ('{otherCase}' was given; names are case-sensitive).");
            }
        }
    }

    private static IEnumerable<string> Required(Type type)
    {
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        var constructor = constructors.FirstOrDefault(c => c.IsDefined(typeof(System.Text.Json.Serialization.JsonConstructorAttribute)))
            ?? (constructors.Length == 1 ? constructors[0] : null);
        var fromConstructor = constructor?.GetParameters().Where(p => !p.HasDefaultValue && p.Name is not null).Select(p => p.Name!) ?? [];
        var requiredMembers = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.IsDefined(typeof(RequiredMemberAttribute)))
            .Select(p => p.Name);
        return fromConstructor.Concat(requiredMembers).Distinct(StringComparer.Ordinal);
    }
}
