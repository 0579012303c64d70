using System.Text.Json.Nodes;
using Cluster.Agents.Commands;
using Cluster.Contracts.Commands;
using Xunit;

namespace Cluster.Tests.Commands;

public sealed class KeywordsAndModelsSpec
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Statuses_have_clus_codes_and_groups_and_names_are_read_ignoring_case()
    {
        Assert.Equal(":", CommandStatus.Done.Code().ToString());
        Assert.Equal("fff", string.Concat(new[] { CommandStatus.Cancelled, CommandStatus.Failed, CommandStatus.TimedOut }.Select(s => s.Code())));
        Assert.Equal("i>wwd", string.Concat(new[] { CommandStatus.Ready, CommandStatus.Running, CommandStatus.Cancelling, CommandStatus.Failing, CommandStatus.Debug }.Select(s => s.Code())));
        Assert.True(CommandStatus.TimedOut.IsDone() && CommandStatus.TimedOut.DidFail() && !CommandStatus.Done.DidFail());
        Assert.True(CommandStatus.Cancelling.IsActive() && CommandStatus.Cancelling.IsFailing() && !CommandStatus.Ready.IsActive());
        Assert.Equal(CommandStatus.TimedOut, CommandStatuses.Parse("timedout"));
        Assert.Equal(CommandStatus.Done, CommandStatuses.Parse("DONE"));
        var invalid = Assert.Throws<ArgumentException>(() => CommandStatuses.Parse("finished"));
        Assert.Contains("'finished' is not a valid command status", invalid.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CommandStatus.DoneStates.Code());
        Assert.Equal('!', MessageCodes.Parse("!"));
        Assert.Throws<ArgumentException>(() => MessageCodes.Parse("x"));
    }

    [Fact]
    public void A_plain_string_becomes_text_or_error_and_a_value_that_is_no_dictionary_is_refused()
    {
        Assert.Equal("""{"text":"hi"}""", Keywords.From("hi", 'i').ToJsonString());
        Assert.Equal("""{"error":"bad"}""", Keywords.From("bad", 'e').ToJsonString());
        Assert.Equal("""{"error":"bad"}""", Keywords.From("bad", 'f').ToJsonString());
        Assert.Equal("""{"a":1,"b":{"c":true}}""", Keywords.From(new Dictionary<string, object?> { ["a"] = 1, ["b"] = new Dictionary<string, bool> { ["c"] = true } }, 'i').ToJsonString());
        Assert.Equal("{}", Keywords.From(null, ':').ToJsonString());
        var refused = Assert.Throws<ArgumentException>(() => Keywords.From(3.5, 'i'));
        Assert.Contains("must be a string or a dictionary", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_keyword_store_gives_head_and_tail_clamped_and_keeps_only_the_filtered_keywords()
    {
        var store = new KeywordStore(["temperature", "text"]);
        for (var i = 1; i <= 3; i++)
        {
            store.Add('i', new JsonObject { ["temperature"] = i, ["ignored"] = i }, T0.AddSeconds(i));
        }

        store.Add(':', new JsonObject { ["text"] = "done" }, T0.AddSeconds(4));

        Assert.Equal([1, 2], store.Head("temperature", 2).Select(r => r.Value!.GetValue<int>()));
        Assert.Equal([2, 3], store.Tail("temperature", 2).Select(r => r.Value!.GetValue<int>()));
        Assert.Equal(3, store.Tail("temperature", 10).Count);
        Assert.Equal(new KeywordRecord("temperature", 'i', T0.AddSeconds(3), null).Time, store.Tail("temperature")[0].Time);
        Assert.Equal(':', store.Head("text")[0].Code);
        Assert.Empty(store.Head("ignored"));
        Assert.Equal(["temperature", "text"], store.Keywords.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_model_merges_nested_dictionaries_marks_unknown_keywords_and_calls_back_once_per_update_in_order()
    {
        var model = new ActorModel("camera", """{"type": "object", "properties": {"status": {"type": "object"}}}""");
        var calls = new List<string>();
        model.OnUpdate((_, keywords) => calls.Add(string.Join('+', keywords)));

        model.Update(new JsonObject { ["status"] = new JsonObject { ["temp"] = 1, ["cooler"] = new JsonObject { ["on"] = true } } }, T0);
        model.Update(new JsonObject { ["status"] = new JsonObject { ["cooler"] = new JsonObject { ["power"] = 5 } }, ["extra"] = "x" }, T0.AddSeconds(1));

        Assert.Equal("""{"temp":1,"cooler":{"on":true,"power":5}}""", model["status"]!.Value!.ToJsonString());
        Assert.Equal(T0.AddSeconds(1), model["status"]!.LastSeen);
        Assert.True(model["status"]!.InSchema);
        Assert.False(model["extra"]!.InSchema);
        Assert.Equal(["status", "status+extra"], calls);
    }
}
