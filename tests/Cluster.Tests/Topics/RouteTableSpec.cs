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
}
