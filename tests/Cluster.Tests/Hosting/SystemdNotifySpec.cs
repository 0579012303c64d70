using System.Net.Sockets;
using System.Text;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace Cluster.Tests.Hosting;

/// <summary>sd_notify: the datagram itself, and the stock host telling systemd when it is ready and when it stops.</summary>
public sealed class SystemdNotifySpec : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"notify-{Guid.NewGuid():N}.sock");
    private readonly Socket _systemd = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public SystemdNotifySpec() => _systemd.Bind(new UnixDomainSocketEndPoint(_path));

    [Fact]
    public async Task Notify_sends_the_state_as_one_datagram_to_the_socket()
    {
        Assert.True(SystemdNotify.Notify(SystemdNotify.Ready, _path));

        Assert.Equal("READY=1", await ReceiveAsync());
    }

    [Fact]
    public void Notify_sends_nothing_outside_systemd()
    {
        Assert.False(SystemdNotify.Notify(SystemdNotify.Ready, null));
        Assert.False(SystemdNotify.Notify(SystemdNotify.Ready, string.Empty));
    }

    [Fact]
    public async Task The_stock_host_notifies_ready_once_its_readiness_check_is_healthy_and_notifies_stopping_when_it_leaves()
    {
        var node = new NodeOptions { Group = "notify-" + Guid.NewGuid().ToString("N")[..6], Port = 0 };
        using var host = NodeRunner.Build(node, ClusterHocon.Host, []);
        using var stop = new CancellationTokenSource();
        var run = NodeRunner.RunAsync(host, "Host", TextWriter.Null, _path, stop.Token);

        Assert.Equal("READY=1", await ReceiveAsync());
        var health = await host.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Tags.Contains(NodeReadiness.Tag));
        Assert.Equal(HealthStatus.Healthy, health.Status);

        await stop.CancelAsync();
        Assert.Equal("STOPPING=1", await ReceiveAsync());
        Assert.Equal(0, await run.WaitAsync(Wait));
    }

    public void Dispose()
    {
        _systemd.Dispose();
        File.Delete(_path);
    }

    private async Task<string> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Wait);
        var buffer = new byte[256];
        var length = await _systemd.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
