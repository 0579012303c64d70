using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Contracts.Commands;
using Cluster.Contracts.Serialization;
using Xunit;

namespace Cluster.Tests.Commands;

public sealed class CommandContractsSpec : Akka.TestKit.Xunit2.TestKit
{
    public CommandContractsSpec()
        : base(ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(ClusterHocon.Base), "command-contracts-spec")
    {
    }

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<HyperionSerializer>(serializer);
        return (T)serializer.FromBinary(serializer.ToBinary(message), typeof(T));
    }

    [Fact]
    public void The_command_protocol_records_survive_the_serializer()
    {
        var request = new CommandRequest("expose --time 2", "node.ab12", 7, TimeSpan.FromSeconds(3));
        var cancel = new CancelCommand("node.ab12", 7);
        var reply = new CommandReply(7, "node.ab12", ':', "camera", true, """{"text":"Pong."}""", CommandStatus.Done, false, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.Equal(request, RoundTrip(request));
        Assert.Equal(request with { TimeLimit = null }, RoundTrip(request with { TimeLimit = null }));
        Assert.Equal(cancel, RoundTrip(cancel));
        Assert.Equal(reply, RoundTrip(reply));
        Assert.Equal(reply with { CommanderId = null, Status = CommandStatus.None }, RoundTrip(reply with { CommanderId = null, Status = CommandStatus.None }));
    }
}
