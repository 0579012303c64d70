namespace Cluster.Agents.Core.Endpoints;

/// <summary>The one rule for endpoint names: non-empty, no <c>/</c>, and matched ignoring case, <c>-</c> and <c>_</c>.</summary>
public static class EndpointNames
{
    /// <summary>Gets the form two names are compared in: lower case, without <c>-</c> and <c>_</c> (<c>set-speed</c>, <c>SetSpeed</c> and <c>set_speed</c> are one name).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The normal form.</returns>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Create(name.Length - name.Count(c => c is '-' or '_'), name, static (span, source) =>
        {
            var i = 0;
            foreach (var c in source)
            {
                if (c is not ('-' or '_'))
                {
                    span[i++] = char.ToLowerInvariant(c);
                }
            }
        });
    }

    /// <summary>Checks that <paramref name="name"/> can name an endpoint.</summary>
    /// <param name="name">The name.</param>
    /// <param name="owner">Who declares it, for the error.</param>
    /// <exception cref="ArgumentException">The name is empty, only <c>-</c> and <c>_</c>, or holds a <c>/</c>.</exception>
    public static void Check(string name, string owner)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal) || Normalize(name).Length == 0)
        {
            throw new ArgumentException($"'{owner}' cannot declare an endpoint named '{name}': a name must be non-empty, hold a letter or digit, and have no '/'.", nameof(name));
        }
    }
}
