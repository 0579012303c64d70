using System.Globalization;
using Xunit;

namespace Cluster.Tests.EndToEnd;

/// <summary>
/// Verbs through the Lighthouse right after a host crashes: the Lighthouse forwards to a host that answers, and a call to a
/// device of the crashed host names the device and its node.
/// </summary>
public sealed class CliFailoverSpec
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan VerbTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task After_a_host_crashes_verbs_through_the_lighthouse_use_another_host_and_name_the_lost_device()
    {
        var group = "failover-" + Guid.NewGuid().ToString("N")[..6];
        var port = FreePort.Next();
        string[] seed = ["--seed", $"127.0.0.1:{port}", "--group", group];
        await using var lighthouse = NodeProcess.Start("lighthouse", NodeProcess.LighthouseDll, ["--port", port.ToString(CultureInfo.InvariantCulture), "--group", group]);
        await lighthouse.WaitForLineAsync("cluster up:", StartTimeout);
        await using var demo = NodeProcess.Start("demo", NodeProcess.HostDll, ["--demo", "--port", "0", .. seed]);
        await using var plain = NodeProcess.Start("plain", NodeProcess.HostDll, ["--port", "0", .. seed]);
        await demo.WaitForLineAsync("devices alive: battery, dashboard, drive", StartTimeout);
        await plain.WaitForLineAsync("cluster up:", StartTimeout);
        var demoAddress = (await demo.WaitForLineAsync("listening at", StartTimeout)).Split(' ')[3];

        // The plain host has learned where the drive lives before the crash.
        var (before, beforeOutput) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["call", "drive", "speed", .. seed], VerbTimeout);
        Assert.True(before == 0, beforeOutput);

        demo.Kill();
        await demo.WaitForExitAsync(StartTimeout);
        var (callCode, callOutput) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["call", "drive", "speed", "--deadline", "2 s", .. seed], VerbTimeout);
        var (listCode, listOutput) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["topic", "list", .. seed], VerbTimeout);

        // Later, once the plain host has removed the crashed one (and its registry forgets the drive), the call still names the node.
        var plainPort = (await plain.WaitForLineAsync("listening at", StartTimeout)).Split(' ')[3].Split(':')[^1];
        using (var removal = new CancellationTokenSource(StartTimeout))
        {
            while ((await NodeProcess.RunAsync(NodeProcess.HostDll, ["nodes", "--seed", $"127.0.0.1:{plainPort}", "--group", group], VerbTimeout)).Output.Contains(demoAddress, StringComparison.Ordinal))
            {
                Assert.False(removal.IsCancellationRequested, $"the plain host never removed {demoAddress}");
            }
        }

        var (laterCode, laterOutput) = await NodeProcess.RunAsync(NodeProcess.HostDll, ["call", "drive", "speed", "--deadline", "2 s", .. seed], VerbTimeout);

        Assert.True(listCode == 0, listOutput);
        Assert.True(callCode == 1, callOutput);
        Assert.Contains("'drive'", callOutput, StringComparison.Ordinal);
        Assert.Contains(demoAddress, callOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("--group", callOutput, StringComparison.Ordinal);
        Assert.True(laterCode == 1, laterOutput);
        Assert.Contains("'drive'", laterOutput, StringComparison.Ordinal);
        Assert.Contains(demoAddress, laterOutput, StringComparison.Ordinal);
    }
}
