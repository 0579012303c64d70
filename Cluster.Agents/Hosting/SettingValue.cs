namespace Cluster.Agents.Hosting;

/// <summary>One configured value of an agent entry, wherever it came from (HOCON, JSON, the environment).</summary>
/// <param name="Path">The keys below the agent's entry, as written, e.g. <c>["settings", "max-speed"]</c>.</param>
/// <param name="Value">The value as text.</param>
/// <param name="Key">The full key as its source spells it, for error messages.</param>
internal sealed record SettingValue(IReadOnlyList<string> Path, string Value, string Key);
