using Cluster.Agents.Core.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class RouteTableSpec
{
    [Fact]
    public void A_topic_routes_to_itself_and_to_every_matching_glob()
    {
        var table = RouteTable.Create(["*/heartbeat", "drive/*", "arm/*", "exact/name"], 100);

        Assert.Equal(["drive/heartbeat", "glob:*/heartbeat", "glob:drive/*"], table.RoutesFor("drive/heartbeat").Order(StringComparer.Ordinal));
        Assert.Equal(["battery/voltage"], table.RoutesFor("battery/voltage"));
    }

    [Fact]
    public void Patterns_without_wildcards_are_not_globs()
    {
        var table = RouteTable.Create(["exact/name", "x/*"], 100);

        Assert.Equal(["x/*"], table.Patterns);
    }

    [Fact]
    public void The_route_cache_starts_over_when_full_and_still_answers_right()
    {
        var table = RouteTable.Create(["t/*"], 2);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal([$"t/{i}", "glob:t/*"], table.RoutesFor($"t/{i}"));
        }
    }

    [Fact]
    public void A_table_with_one_more_pattern_routes_like_a_table_created_with_it()
    {
        var table = RouteTable.Create(["drive/*", "x/*"], 100);
        Assert.Equal(["drive/speed", "glob:drive/*"], table.RoutesFor("drive/speed"));

        var wider = table.With("*/speed");

        Assert.Equal(["*/speed", "drive/*", "x/*"], wider.Patterns.Order(StringComparer.Ordinal));
        Assert.Equal(RouteTable.Create(["drive/*", "x/*", "*/speed"], 100).RoutesFor("drive/speed"), wider.RoutesFor("drive/speed"));
        Assert.Equal(["drive/*", "x/*"], table.Patterns.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Adding_a_known_pattern_or_an_exact_name_keeps_the_table()
    {
        var table = RouteTable.Create(["drive/*"], 100);

        Assert.Same(table, table.With("drive/*"));
        Assert.Same(table, table.With("exact/name"));
    }

    [Fact]
    public void A_table_created_from_a_previous_one_routes_like_a_fresh_one()
    {
        var previous = RouteTable.Create(["a/*", "b/*", "c/?"], 100);

        var table = RouteTable.Create(["b/*", "c/?", "d/[xy]", "exact/name"], 100, previous);

        Assert.Equal(["b/*", "c/?", "d/[xy]"], table.Patterns.Order(StringComparer.Ordinal));
        foreach (var topic in new[] { "a/1", "b/1", "c/1", "d/x", "d/z", "exact/name" })
        {
            Assert.Equal(RouteTable.Create(["b/*", "c/?", "d/[xy]", "exact/name"], 100).RoutesFor(topic), table.RoutesFor(topic));
        }
    }
}
