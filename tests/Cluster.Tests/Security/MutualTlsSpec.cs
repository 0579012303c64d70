using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Agents.Rpc;
using Cluster.Tests.Rpc;
using Cluster.Tests.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Cluster.Tests.Security;

/// <summary>
/// Nodes started through the hosting extensions with <c>cluster-node.tls</c> on, with certificates made by
/// scripts/make-certs.sh: nodes signed by the cluster's authority form a cluster; a node signed by another
/// authority cannot join it.
/// </summary>
public sealed class MutualTlsSpec : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"mtls-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly string _group = "tls-" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<IHost> _hosts = [];

    public async Task InitializeAsync()
    {
        await MakeCertsAsync(Path.Combine(_dir, "cluster"), "seed", "member", "operator");
        await MakeCertsAsync(Path.Combine(_dir, "rogue"), "intruder");
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await host.StopAsync(stopping.Token);
            }
            finally
            {
                host.Dispose();
            }
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Nodes_signed_by_the_clusters_authority_form_a_cluster_and_a_node_signed_by_another_cannot_join()
    {
        var seed = await StartAsync("cluster", "seed", seedPort: null);
        var seedPort = SelfOf(seed).Port!.Value;
        var refusals = new TestProbe(seed, new XunitAssertions());
        seed.EventStream.Subscribe(refusals, typeof(Warning));

        // The intruder does not check the seed's certificate at all, so only the seed's check can keep it out.
        using var intruder = StartIntruder(seedPort);
        await refusals.FishForMessageAsync<Warning>(
            warning => warning.ToString().Contains("is not signed by the cluster's certificate authority", StringComparison.Ordinal)
                && warning.ToString().Contains("CN=intruder", StringComparison.Ordinal),
            Patience);

        var member = await StartAsync("cluster", "member", seedPort);
        var probe = new TestProbe(seed, new XunitAssertions());
        await probe.AwaitAssertAsync(
            () =>
            {
                var up = Akka.Cluster.Cluster.Get(seed).State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).ToHashSet();
                Assert.Contains(SelfOf(member), up);
                Assert.Contains(SelfOf(seed), up);
            },
            Patience);
        await new TestProbe(member, new XunitAssertions()).AwaitAssertAsync(
            () => Assert.Equal(MemberStatus.Up, Akka.Cluster.Cluster.Get(member).SelfMember.Status),
            Patience);

        // The intruder's join attempts go on while the others form the cluster: it is never a member of it.
        Assert.DoesNotContain(Akka.Cluster.Cluster.Get(seed).State.Members, m => m.Address.Equals(SelfOf(intruder)));
        Assert.DoesNotContain(Akka.Cluster.Cluster.Get(member).State.Members, m => m.Address.Equals(SelfOf(intruder)));
        Assert.NotEqual(MemberStatus.Up, Akka.Cluster.Cluster.Get(intruder).SelfMember.Status);
    }

    [Fact]
    public async Task Agents_are_called_by_their_agent_address_and_the_operator_verbs_answer_over_mutual_tls()
    {
        var seed = await StartAsync("cluster", "seed", seedPort: null);
        var seedPort = SelfOf(seed).Port!.Value;
        var member = await StartAsync("cluster", "member", seedPort);
        await new TestProbe(seed, new XunitAssertions()).AwaitAssertAsync(
            () => Assert.Equal(2, Akka.Cluster.Cluster.Get(seed).State.Members.Count(m => m.Status == MemberStatus.Up)),
            Patience);

        // The string form leaves the protocol out: the address read back names the member over TLS.
        var chef = AgentAddress.Parse((await AgentContainer.Get(member).SpawnAsync<Chef>()).ToString());
        var proxy = await AgentContainer.Get(seed).ConnectAsync(chef);
        Assert.Equal(5, await proxy.CallAsync<int>("add", 2, 3));

        // The verbs' own process, with no local socket to find, goes over remoting with the operator's certificate.
        var folder = Path.Combine(_dir, "cluster");
        var noSockets = Directory.CreateDirectory(Path.Combine(_dir, "no-sockets")).FullName;
        var operatorTls = new Dictionary<string, string?>
        {
            ["CLUSTER_OPERATOR_DIR"] = noSockets,
            ["CLUSTER_TLS_CERTIFICATE"] = Path.Combine(folder, "operator.pfx"),
            ["CLUSTER_TLS_PASSWORD"] = "cluster",
            ["CLUSTER_TLS_CA"] = Path.Combine(folder, "ca.crt"),
        };
        var seedArguments = new[] { "--seed", $"127.0.0.1:{seedPort}", "--group", _group };

        var (nodesExit, nodes) = await VerbAsync(["nodes", .. seedArguments], operatorTls);
        Assert.True(nodesExit == 0, nodes);
        Assert.Contains($"akka.ssl.tcp://{_group}@127.0.0.1:{SelfOf(member).Port}", nodes, StringComparison.Ordinal);

        var (callExit, call) = await VerbAsync(["call", chef.ToString(), "add", "20", "22", .. seedArguments], operatorTls);
        Assert.True(callExit == 0, call);
        Assert.Contains("42", call, StringComparison.Ordinal);

        // Without a certificate the node never answers; the verb says what to set.
        var (plainExit, plain) = await VerbAsync(["nodes", .. seedArguments], new Dictionary<string, string?> { ["CLUSTER_OPERATOR_DIR"] = noSockets });
        Assert.Equal(1, plainExit);
        Assert.Contains("CLUSTER_TLS_CERTIFICATE", plain, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> VerbAsync(string[] arguments, IReadOnlyDictionary<string, string?> environment)
    {
        await using var verb = NodeProcess.Start("verb", NodeProcess.HostDll, arguments, environment);
        await verb.WaitForExitAsync(Patience);
        return (verb.ExitCode, verb.Output);
    }

    // A plain Akka node with a certificate of another authority, that accepts any server certificate.
    private ActorSystem StartIntruder(int seedPort)
    {
        var folder = Path.Combine(_dir, "rogue");
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp {
              hostname = 127.0.0.1
              port = 0
              enable-ssl = on
              ssl {
                certificate.path = "{{Path.Combine(folder, "intruder.pfx")}}"
                certificate.password = "cluster"
                suppress-validation = on
              }
            }
            akka.cluster.seed-nodes = ["akka.ssl.tcp://{{_group}}@127.0.0.1:{{seedPort}}"]
            akka.coordinated-shutdown.exit-clr = off
            """).WithFallback(ClusterHocon.Base);
        return ActorSystem.Create(_group, config);
    }

    private static Address SelfOf(ActorSystem system) => Akka.Cluster.Cluster.Get(system).SelfAddress;

    private async Task<ActorSystem> StartAsync(string authority, string node, int? seedPort)
    {
        var folder = Path.Combine(_dir, authority);
        var tls = ConfigurationFactory.ParseString($$"""
            cluster-node.tls {
              enabled = on
              certificate = "{{Path.Combine(folder, node + ".pfx")}}"
              password = "cluster"
              ca-certificate = "{{Path.Combine(folder, "ca.crt")}}"
            }
            """).WithFallback(ClusterHocon.Host);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka(_group, akka => akka.WithClusterNode(options =>
        {
            options.Port = 0;
            options.ProgramConfig = tls;
            if (seedPort is { } port)
            {
                options.Seeds.Add($"127.0.0.1:{port}");
                options.SeedsItself = false;
            }
        }));
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host.Services.GetRequiredService<ActorSystem>();
    }

    private static async Task MakeCertsAsync(string folder, params string[] nodes)
    {
        var script = Path.Combine(NodeProcess.RepositoryRoot, "scripts", "make-certs.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { script, folder }.Concat(nodes))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"make-certs.sh failed ({process.ExitCode}): {await output}{await errors}");
    }
}
