using Akka.Actor;
using Cluster.Agents.Core.Registry;
using Xunit;

namespace Cluster.Tests.Registry;

public sealed class RegistryTableSpec
{
    private static readonly Address NodeA = new("akka.tcp", "robot", "10.0.0.1", 4053);
    private static readonly Address NodeB = new("akka.tcp", "robot", "10.0.0.2", 4053);
    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static RegistryEntry Entry(string name, Address node, DateTimeOffset at) =>
        new(name, "device", ActorRefs.Nobody, node, at);

    [Fact]
    public void The_earlier_registration_wins_whatever_order_the_announcements_arrive_in()
    {
        var early = Entry("drive", NodeB, Noon);
        var late = Entry("drive", NodeA, Noon.AddMilliseconds(1));
        var oneWay = new RegistryTable(NodeA);
        var otherWay = new RegistryTable(NodeB);

        oneWay.Set(NodeA, late);
        var lostOnA = oneWay.Set(NodeB, early);
        otherWay.Set(NodeB, early);
        var lostOnB = otherWay.Set(NodeA, late);

        Assert.Equal(early, oneWay.View["drive"]);
        Assert.Equal(early, otherWay.View["drive"]);
        Assert.Equal(new[] { (late, early) }, lostOnA);
        Assert.Empty(lostOnB);
    }

    [Fact]
    public void At_the_same_instant_the_lower_node_address_wins()
    {
        var onA = Entry("drive", NodeA, Noon);
        var onB = Entry("drive", NodeB, Noon);
        var table = new RegistryTable(NodeB);

        table.Set(NodeB, onB);
        var lost = table.Set(NodeA, onA);

        Assert.Equal(onA, table.View["drive"]);
        Assert.Equal(new[] { (onB, onA) }, lost);
    }

    [Fact]
    public void Dropping_a_node_removes_every_name_it_held_from_the_view()
    {
        var table = new RegistryTable(NodeA);
        table.Set(NodeA, Entry("gps", NodeA, Noon));
        table.Replace(NodeB, [Entry("drive", NodeB, Noon), Entry("arm", NodeB, Noon)]);

        table.Drop(NodeB);

        Assert.Equal(new[] { "gps" }, table.View.Keys);
    }

    [Fact]
    public void A_snapshot_replaces_what_was_known_of_a_node()
    {
        var table = new RegistryTable(NodeA);
        table.Replace(NodeB, [Entry("drive", NodeB, Noon), Entry("arm", NodeB, Noon)]);

        table.Replace(NodeB, [Entry("arm", NodeB, Noon), Entry("camera", NodeB, Noon)]);

        Assert.Equal(new[] { "arm", "camera" }, table.View.Keys);
    }

    [Fact]
    public void When_the_winner_goes_away_the_remaining_registration_takes_the_name()
    {
        var table = new RegistryTable(NodeA);
        var onB = Entry("drive", NodeB, Noon);
        var onC = Entry("drive", new Address("akka.tcp", "robot", "10.0.0.3", 4053), Noon.AddSeconds(1));
        table.Set(onB.Node, onB);
        table.Set(onC.Node, onC);

        table.Remove(onB.Node, "drive");

        Assert.Equal(onC, table.View["drive"]);
    }
}
