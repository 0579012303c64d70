namespace Cluster.Agents.Core.Registry;

/// <summary>Thrown at once when a name is looked up that nothing in the cluster has registered.</summary>
public sealed class UnknownNameException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="name">The name that was looked up.</param>
    /// <param name="clusterName">The cluster's name.</param>
    /// <param name="similarNames">Registered names that look like <paramref name="name"/>, best first.</param>
    public UnknownNameException(string name, string clusterName, IReadOnlyList<string> similarNames)
        : base(Describe(name, clusterName, similarNames))
    {
        Name = name;
        ClusterName = clusterName;
        SimilarNames = similarNames;
    }

    /// <summary>Gets the name that was looked up.</summary>
    public string Name { get; }

    /// <summary>Gets the cluster's name.</summary>
    public string ClusterName { get; }

    /// <summary>Gets up to five registered names that look like <see cref="Name"/>, best first.</summary>
    public IReadOnlyList<string> SimilarNames { get; }

    private static string Describe(string name, string clusterName, IReadOnlyList<string> similarNames)
    {
        var text = $"No device or agent named '{name}' is registered in cluster '{clusterName}'";
        return similarNames.Count == 0
            ? text + "."
            : text + "; similar names: " + string.Join(", ", similarNames.Select(similar => $"'{similar}'")) + ".";
    }
}
