using Akka.Actor;
using Cluster.Agents.Rpc;
using Xunit;

namespace Cluster.Tests.Rpc;

public sealed class AgentAddressSpec
{
    [Theory]
    [InlineData("agent://robot@127.0.0.1:4053/7")]
    [InlineData("agent://robot@rover-1.local:0/planner")]
    [InlineData("agent://robot/3")]
    public void Parse_of_the_string_form_round_trips(string text)
    {
        var address = AgentAddress.Parse(text);

        Assert.Equal(text, address.ToString());
        Assert.Equal(address, AgentAddress.Parse(address.ToString()));
    }

    [Fact]
    public void An_address_names_the_group_the_node_and_the_id()
    {
        var address = AgentAddress.For(new Address("akka.tcp", "robot", "10.0.0.2", 4053), "7");

        Assert.Equal("agent://robot@10.0.0.2:4053/7", address.ToString());
        Assert.Equal("robot", address.Group);
        Assert.Equal(new Address("akka.tcp", "robot", "10.0.0.2", 4053), address.NodeOver("akka.tcp"));
        Assert.Equal(new Address("akka.ssl.tcp", "robot", "10.0.0.2", 4053), address.NodeOver("akka.ssl.tcp"));
        Assert.Equal("7", address.Id);
        Assert.Equal("agent://robot@10.0.0.2:4053", address.Container);
    }

    [Theory]
    [InlineData("")]
    [InlineData("robot@127.0.0.1:4053/7")]
    [InlineData("agent://robot@127.0.0.1:4053")]
    [InlineData("agent://robot@127.0.0.1/7")]
    [InlineData("agent://robot@127.0.0.1:port/7")]
    [InlineData("agent://@127.0.0.1:4053/7")]
    [InlineData("agent://robot@127.0.0.1:4053/")]
    [InlineData("agent://robot@127.0.0.1:4053/a/b")]
    public void Parse_of_a_malformed_address_is_a_FormatException_naming_it(string text)
    {
        var error = Assert.Throws<FormatException>(() => AgentAddress.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.False(AgentAddress.TryParse(text, out var address));
        Assert.Null(address);
    }
}
