using System.Collections.Immutable;

namespace Cluster.Contracts.Operator;

/// <summary>Asks a node to call an endpoint of a device with arguments given as JSON.</summary>
/// <param name="Target">The device's name.</param>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="JsonArgs">The arguments, each one JSON value.</param>
/// <param name="Deadline">How long the call may take (wall time).</param>
public sealed record OperatorCall(string Target, string Endpoint, ImmutableArray<string> JsonArgs, TimeSpan Deadline) : IClusterMessage;

/// <summary>The answer to <see cref="OperatorCall"/>, rendered as JSON.</summary>
/// <param name="Json">The answer.</param>
public sealed record OperatorCallAnswered(string Json) : IClusterMessage;
