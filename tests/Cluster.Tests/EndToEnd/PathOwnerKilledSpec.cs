using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>The owner of a state runs as a real process that is killed; an observer on another host sees the state turn Unknown.</summary>
public sealed class PathOwnerKilledSpec
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Killing_the_owners_host_turns_its_state_Unknown_for_a_watcher_on_another_host()
    {
        var group = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        var port = FreePort.Next();
        var observerPort = FreePort.Next();
        await using var lighthouse = NodeProcess.Start("lighthouse", NodeProcess.LighthouseDll, ["--port", port.ToString(), "--group", group]);
        await lighthouse.WaitForLineAsync("cluster up:", StartTimeout);
        await using var owner = NodeProcess.Start("owner", NodeProcess.HostDll, ["--demo", "--seed", $"127.0.0.1:{port}", "--group", group]);
        await using var observer = NodeProcess.Start("observer", NodeProcess.HostDll, ["--port", observerPort.ToString(), "--seed", $"127.0.0.1:{port}", "--group", group]);
        await owner.WaitForLineAsync("The rover's paths are registered under /rover.", StartTimeout);
        await observer.WaitForLineAsync("cluster up:", StartTimeout);

        // The watch asks the observer's host, so the observing runs there and not on the host that dies.
        await using var watch = NodeProcess.Start("watch", NodeProcess.HostDll, ["state", "watch", "/rover/battery/voltage", "--seed", $"127.0.0.1:{observerPort}", "--group", group]);
        await watch.WaitForLineAsync("{\"known\":true,\"value\":", StartTimeout);

        owner.Kill();

        await watch.WaitForLineAsync("{\"known\":false}", TimeSpan.FromSeconds(60));
    }
}
