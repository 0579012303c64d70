using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>
/// An observer's host is cut off from the state's owner and comes back: two hosts as real processes, each in a
/// network namespace of its own on a private switch (<see cref="IsolatedNetwork"/>), the observer's cable unplugged.
/// </summary>
public sealed class PathObserverCutOffSpec
{
    private const string Known = "{\"known\":true,\"value\":";
    private const string Unknown = "{\"known\":false}";
    private const string Port = "4053";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(30);

    // "Comes back" means before the split brain resolver downs anyone. With base.conf's 5 s stable-after that is a
    // race: each side sees the other unreachable about 4 s into the cut, and after the heal TCP's retransmission
    // backoff can hold the connection back for seconds more. These hosts wait 60 s before deciding: longer than the
    // test waits from the cut on (30 s for Unknown, then 30 s for the value), so no downing can end the test.
    private const string NoDowningDuringTheTest = "akka.cluster.split-brain-resolver.stable-after = 60s\n";

    [Fact]
    public async Task An_observer_whose_own_host_is_cut_off_sees_Unknown_then_the_current_value_again_when_it_comes_back()
    {
        var group = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        var config = Path.Combine(Path.GetTempPath(), $"{group}.conf");
        await File.WriteAllTextAsync(config, NoDowningDuringTheTest);
        try
        {
            await using var network = await IsolatedNetwork.CreateAsync(hosts: 2);
            var (ownerIp, observerIp) = (network.Address(0), network.Address(1));
            await using var owner = NodeProcess.StartDotnet(
                "owner", [NodeProcess.HostDll, "--demo", "--ip", ownerIp, "--port", Port, "--config", config, "--group", group], launcher: network.Enter(0));
            await using var observer = NodeProcess.StartDotnet(
                "observer", [NodeProcess.HostDll, "--ip", observerIp, "--port", Port, "--seed", $"{ownerIp}:{Port}", "--config", config, "--group", group], launcher: network.Enter(1));
            await owner.WaitForLineAsync("The rover's paths are registered under /rover.", StartTimeout);
            await observer.WaitForLineAsync("cluster up:", StartTimeout);

            // The watch runs beside the observer's host and asks it, so the observing happens on the host that is cut off.
            await using var watch = NodeProcess.StartDotnet(
                "watch", [NodeProcess.HostDll, "state", "watch", "/rover/battery/voltage", "--seed", $"{observerIp}:{Port}", "--group", group], launcher: network.Enter(1));
            var known = await watch.WaitForLineIndexAsync(Known, StartTimeout);

            await network.CutAsync(1);
            var unknown = await watch.WaitForLineIndexAsync(Unknown, FaultTimeout, from: known + 1);
            await network.HealAsync(1);
            await watch.WaitForLineIndexAsync(Known, FaultTimeout, from: unknown + 1);

            Assert.False(observer.HasExited, observer.Output);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
