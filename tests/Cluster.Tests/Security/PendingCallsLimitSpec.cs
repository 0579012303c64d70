using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Calls;
using Cluster.Tests.Calls;
using Xunit;

namespace Cluster.Tests.Security;

public sealed class PendingCallsLimitSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public PendingCallsLimitSpec()
        : base(ConfigurationFactory.ParseString("cluster-node.calls.max-pending = 2").WithFallback(LocalNode.Config), "limits")
    {
    }

    [Fact]
    public async Task A_call_beyond_the_pending_limit_fails_at_once_naming_the_target_and_the_limit_and_is_counted()
    {
        var calls = CallClient.Get(Sys);
        var arm = Sys.ActorOf(TestResponder.Props(), "arm");
        using var release = new CancellationTokenSource();
        var held = new[]
        {
            calls.RequestAsync<string>(arm, new Hold(TestActor), TimeSpan.FromMinutes(5), release.Token),
            calls.RequestAsync<string>(arm, new Hold(TestActor), TimeSpan.FromMinutes(5), release.Token),
        };
        await ExpectMsgAsync("holding", Patience);
        await ExpectMsgAsync("holding", Patience);

        var error = await Assert.ThrowsAsync<TooManyPendingCallsException>(() => calls.RequestAsync<string>(arm, new Echo("one more"), Patience));
        var stream = await Assert.ThrowsAsync<TooManyPendingCallsException>(async () =>
        {
            await foreach (var _ in calls.StreamAsync<int>(arm, new CountTo(3), Patience))
            {
            }
        });

        var observed = new RecordingObserver<int>();
        using (calls.Stream(arm, new CountTo(3), Patience, observed))
        {
            // The refusal reaches the observer before Stream returns: nothing was sent.
            Assert.True(observed.Ended.IsCompleted);
        }

        Assert.Equal(2, error.Limit);
        Assert.Contains("'arm' on", error.Message, StringComparison.Ordinal);
        Assert.Contains("cluster-node.calls.max-pending", error.Message, StringComparison.Ordinal);
        Assert.Contains("'arm' on", stream.Message, StringComparison.Ordinal);
        Assert.IsType<TooManyPendingCallsException>(await observed.Ended);
        Assert.Equal(3, calls.RefusedCount);
        Assert.Equal(2, calls.PendingCount);

        await release.CancelAsync();
        foreach (var call in held)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        }

        Assert.Equal(0, calls.PendingCount);
        Assert.Equal("again", await calls.RequestAsync<string>(arm, new Echo("again"), Patience));
    }

    [Fact]
    public void A_limit_that_is_not_positive_is_refused_naming_the_key()
    {
        var config = ConfigurationFactory.ParseString("cluster-node.calls.max-pending = 0").WithFallback(LocalNode.Config);
        using var system = ActorSystem.Create("bad-limit", config);

        var error = Assert.ThrowsAny<Exception>(() => CallClient.Get(system));

        Assert.Contains(CallClient.MaxPendingKey, error.ToString(), StringComparison.Ordinal);
    }
}
