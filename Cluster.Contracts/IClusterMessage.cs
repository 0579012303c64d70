namespace Cluster.Contracts;

/// <summary>
/// Marks a message that crosses the wire between nodes. Every type that implements it is bound to
/// <see cref="Serialization.HyperionSerializer"/> by the base HOCON, so it never falls back to Akka's
/// default JSON serializer. Payloads nested inside such a message go through the same serializer.
/// </summary>
public interface IClusterMessage;
