namespace Cluster.Agents.Core.Registry;

/// <summary>Thrown when a name is registered that the cluster already knows.</summary>
public sealed class DuplicateNameException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="name">The name that was refused.</param>
    /// <param name="holder">The registration that holds the name.</param>
    public DuplicateNameException(string name, RegistryEntry holder)
        : base($"Cannot register '{name}': it is already registered by {Article(holder.Kind)} {holder.Kind} on {holder.Node} (owner {holder.Owner.Path}).")
    {
        Name = name;
        Holder = holder;
    }

    /// <summary>Gets the name that was refused.</summary>
    public string Name { get; }

    /// <summary>Gets the registration that holds the name.</summary>
    public RegistryEntry Holder { get; }

    private static string Article(string word) =>
        word.Length > 0 && "aeiouAEIOU".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";
}
