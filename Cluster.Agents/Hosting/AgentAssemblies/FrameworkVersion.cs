using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Cluster.Agents.Hosting.AgentAssemblies;

/// <summary>Which version of the framework an agent assembly was built against, read without loading it.</summary>
internal static class FrameworkVersion
{
    /// <summary>Whether <paramref name="reference"/> is one of the framework's assemblies.</summary>
    public static bool IsFramework(AssemblyName reference) =>
        reference.Name is { } name &&
        (name.StartsWith("Cluster.Agents", StringComparison.Ordinal) || name == "Cluster.Contracts");

    /// <summary>The major and minor version of an assembly: what must match between an agent and the host.</summary>
    public static Version Of(AssemblyName name) => name.Version is { } v ? new Version(v.Major, v.Minor) : new Version(0, 0);

    /// <summary>The assemblies <paramref name="file"/> references, or null when it is not a managed assembly.</summary>
    public static IReadOnlyList<AssemblyName>? ReferencesOf(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return null;
            }

            var reader = pe.GetMetadataReader();
            return [.. reader.AssemblyReferences.Select(handle => reader.GetAssemblyReference(handle).GetAssemblyName())];
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Says why <paramref name="file"/> cannot run in this host when it references the framework at another major or
    /// minor version than <paramref name="host"/>, or null when it can.
    /// </summary>
    public static string? Mismatch(string file, IEnumerable<AssemblyName> references, Version host)
    {
        var other = references.Where(IsFramework).FirstOrDefault(reference => Of(reference) != host);
        return other is null
            ? null
            : $"{file} was built against {other.Name} {Of(other)}, but this host runs the framework {host}: rebuild the agents against version {host}.* of the Cluster.Agents packages, or run them in a host of version {Of(other)}.";
    }
}
