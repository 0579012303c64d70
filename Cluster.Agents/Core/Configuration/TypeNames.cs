namespace Cluster.Agents.Core.Configuration;

/// <summary>Finds a type by the name a configuration file or an operator gives: the one lookup for every surface that names types.</summary>
public static class TypeNames
{
    /// <summary>Finds the type <paramref name="typeName"/> names.</summary>
    /// <param name="typeName">An assembly-qualified name (<c>MyRobot.DriveAgent, MyRobot</c>), or a full name looked up among the loaded assemblies.</param>
    /// <returns>The type, or null when none has that name (or the name is malformed).</returns>
    public static Type? Find(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        try
        {
            var type = Type.GetType(typeName, throwOnError: false);
            if (type is not null)
            {
                return type;
            }
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException or BadImageFormatException)
        {
            return null;
        }

        // A name without its assembly is looked up among the loaded assemblies.
        return AppDomain.CurrentDomain.GetAssemblies()
            .Select(assembly => assembly.GetType(typeName, throwOnError: false))
            .FirstOrDefault(type => type is not null);
    }
}
