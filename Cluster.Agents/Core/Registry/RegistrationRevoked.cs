namespace Cluster.Agents.Core.Registry;

/// <summary>
/// Tells an owner that it lost its name: another node registered the same name at about the same moment,
/// earlier by the conflict rule, and every node now resolves the name to <paramref name="Holder"/>.
/// </summary>
/// <param name="Name">The name the owner no longer holds.</param>
/// <param name="Holder">The registration that won.</param>
public sealed record RegistrationRevoked(string Name, RegistryEntry Holder);
