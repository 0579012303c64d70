using System.Text.RegularExpressions;

namespace Cluster.Agents.Paths;

/// <summary>Checks and resolves paths: absolute paths of segments of letters, digits, <c>_</c> and <c>-</c>, such as <c>/rover/arm/home</c>.</summary>
public static partial class PathNames
{
    /// <summary>Checks that <paramref name="path"/> is an absolute path.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The path.</returns>
    /// <exception cref="InvalidPathException">It is not of the form <c>/segment/segment</c>.</exception>
    public static string Check(string? path)
    {
        if (path is null || !Absolute().IsMatch(path))
        {
            throw new InvalidPathException(path ?? "(null)");
        }

        return path;
    }

    /// <summary>Tells whether <paramref name="path"/> is an absolute path.</summary>
    /// <param name="path">The path.</param>
    /// <returns>True if it matches <c>^(/[A-Za-z0-9_-]+)+$</c>.</returns>
    public static bool IsValid(string? path) => path is not null && Absolute().IsMatch(path);

    /// <summary>Resolves <paramref name="path"/> against <paramref name="basePath"/>: an absolute path stays as it is, a relative one is appended.</summary>
    /// <param name="basePath">The absolute base, or <c>/</c>.</param>
    /// <param name="path">An absolute path (<c>/rover/arm</c>) or a relative one (<c>arm/home</c>).</param>
    /// <returns>The absolute path.</returns>
    /// <exception cref="InvalidPathException">The result is not a valid absolute path; the message names it.</exception>
    public static string Resolve(string basePath, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.StartsWith('/'))
        {
            return Check(path);
        }

        var joined = basePath == "/" ? "/" + path : basePath + "/" + path;
        if (!IsValid(joined))
        {
            throw new InvalidPathException(path, $"The path '{path}' relative to '{basePath}' gives '{joined}', which is not a valid path: paths match ^(/[A-Za-z0-9_-]+)+$.");
        }

        return joined;
    }

    /// <summary>Checks that <paramref name="basePath"/> can be a client's base: <c>/</c> or an absolute path.</summary>
    /// <param name="basePath">The base path.</param>
    /// <returns>The base path.</returns>
    /// <exception cref="InvalidPathException">It is neither.</exception>
    public static string CheckBase(string basePath) => basePath == "/" ? basePath : Check(basePath);

    /// <summary>Tells whether <paramref name="path"/> lies under <paramref name="directory"/> (is a descendant of it).</summary>
    /// <param name="path">An absolute path.</param>
    /// <param name="directory">An absolute path.</param>
    /// <returns>True if <paramref name="path"/> starts with <paramref name="directory"/> followed by <c>/</c>.</returns>
    public static bool IsUnder(string path, string directory) =>
        path.Length > directory.Length + 1 && path.StartsWith(directory, StringComparison.Ordinal) && path[directory.Length] == '/';

    [GeneratedRegex("^(/[A-Za-z0-9_-]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Absolute();
}
