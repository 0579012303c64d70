using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Operator;

/// <summary>
/// The local operator socket's protocol: one JSON document per line each way. The node greets with a <see cref="Hello"/>;
/// a request names its operation (<c>ask</c>, <c>echo</c>, <c>watch</c>, <c>command</c>, <c>cancel</c>); each answer is
/// <c>{"ok":true,"type":...,"body":...}</c> or <c>{"ok":false,"error":...,"badInput":...}</c>.
/// </summary>
/// <remarks>The requests an ask may carry are the operator contracts below, by name; nothing else is ever created from a line.</remarks>
internal static class OperatorWire
{
    public static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    private static readonly FrozenDictionary<string, Func<JsonNode?, object>> Requests = new Dictionary<string, Func<JsonNode?, object>>
    {
        [nameof(GetMembers)] = _ => GetMembers.Instance,
        [nameof(ListTopics)] = _ => ListTopics.Instance,
        [nameof(ListAgents)] = _ => ListAgents.Instance,
        [nameof(GetClockStatus)] = _ => GetClockStatus.Instance,
        [nameof(PauseClock)] = _ => PauseClock.Instance,
        [nameof(DescribeNodes)] = _ => DescribeNodes.Instance,
        [nameof(PublishJson)] = Body<PublishJson>,
        [nameof(OperatorCall)] = Body<OperatorCall>,
        [nameof(PathRequest)] = Body<PathRequest>,
        [nameof(StepClock)] = Body<StepClock>,
        [nameof(RunClock)] = Body<RunClock>,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The node's first line: who it is and whether it is a member yet.</summary>
    public sealed record Hello(string Group, string Address, string Status, bool Joined, string[] Seeds, string Version, string Roles);

    /// <summary>One request line.</summary>
    public sealed record Request(string Op, string? Type = null, JsonNode? Body = null, long TimeoutMs = 0, string? Pattern = null, string? Path = null, bool IsEvent = false, string? Actor = null, string? CommandString = null, long? TimeLimitMs = null);

    /// <summary>One answer line.</summary>
    public sealed record Answer(bool Ok, string? Type = null, JsonNode? Body = null, string? Error = null, bool BadInput = false);

    public static bool IsRequest(string type) => Requests.ContainsKey(type);

    public static object ReadRequest(string type, JsonNode? body) =>
        Requests.TryGetValue(type, out var read) ? read(body) : throw new FormatException($"'{type}' is not an operator request.");

    public static JsonNode? ToNode(object? value) => value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), Json);

    public static string Line<T>(T value) => JsonSerializer.Serialize(value, Json);

    public static T Parse<T>(string line) => JsonSerializer.Deserialize<T>(line, Json) ?? throw new FormatException("an empty line.");

    public static string Ok(object? body) => Line(new Answer(true, body?.GetType().Name, ToNode(body)));

    public static string Failed(string error, bool badInput = false) => Line(new Answer(false, Error: error, BadInput: badInput));

    private static T Body<T>(JsonNode? body) =>
        body.Deserialize<T>(Json) ?? throw new FormatException($"a {typeof(T).Name} needs a body.");
}
