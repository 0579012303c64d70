using Akka.Actor;
using Cluster.Agents.Commands;
using Cluster.Contracts.Commands;
using Xunit;

namespace Cluster.Tests.Commands;

public sealed class CommandTestingSpec : Akka.TestKit.Xunit2.TestKit
{
    public CommandTestingSpec()
        : base(LocalNode.Config, "command-testing-spec")
    {
    }

    [Fact]
    public async Task The_harness_invokes_a_command_string_and_collects_its_replies()
    {
        var camera = await CommandTesting.StartAsync(Sys, Props.Create(() => new TestCamera(new CommandActorOptions { Store = true })), "camera");

        var status = await CommandTesting.InvokeAsync(Sys, camera, "status");
        var timedOut = await CommandTesting.InvokeAsync(Sys, camera, "wait", timeLimit: TimeSpan.FromMilliseconds(100));
        var neverEnds = await Assert.ThrowsAsync<TimeoutException>(() => CommandTesting.InvokeAsync(Sys, camera, "wait", TimeSpan.FromMilliseconds(300)));

        Assert.Equal(CommandStatus.Done, status.Status);
        Assert.Equal(-10.5, status.Get("temperature")!.GetValue<double>());
        Assert.Equal(CommandStatus.TimedOut, timedOut.Status);
        Assert.Contains("\"text\":\"waiting\"", neverEnds.Message, StringComparison.Ordinal);
    }
}
