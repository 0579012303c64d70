namespace Cluster.Tests.EndToEnd.Faults;

/// <summary>How a load device's echo requests to one peer went, from one stats line.</summary>
/// <param name="Ok">Answered requests so far.</param>
/// <param name="Failed">Requests that failed other than for an unknown name.</param>
/// <param name="Unknown">Requests refused at once because the name was not registered.</param>
/// <param name="UnknownSince">When the first refusal after an answer came, in Unix milliseconds, or 0.</param>
/// <param name="P50">The median latency of the last second, in ms, or "-".</param>
/// <param name="P99">The 99th percentile of the last second, in ms, or "-".</param>
/// <param name="Max">The largest latency of the last second, in ms, or "-".</param>
public sealed record RequestStats(long Ok, long Failed, long Unknown, long UnknownSince, string P50, string P99, string Max);
