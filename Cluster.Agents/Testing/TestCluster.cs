using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cluster.Agents.Testing;

/// <summary>
/// A real cluster in the test process: N hosted nodes, each its own ActorSystem on 127.0.0.1 with a free
/// port, wired exactly as the host program wires them, joined into one cluster and all Up before
/// <see cref="StartAsync"/> returns. Dispose it to stop every node.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(20);
    private readonly List<IHost> _hosts = [];
    private readonly HashSet<int> _stopped = [];
    private Config _programConfig = ClusterHocon.Host;
    private Action<AkkaConfigurationBuilder, int>? _configure;

    private TestCluster(string group) => Group = group;

    /// <summary>Gets the cluster's name; unique per cluster so parallel clusters never join.</summary>
    public string Group { get; }

    /// <summary>Gets the nodes' actor systems, in start order; the first is the seed.</summary>
    public ImmutableArray<ActorSystem> Nodes { get; private set; } = [];

    /// <summary>Gets a node's actor system.</summary>
    /// <param name="index">The node's index in start order.</param>
    public ActorSystem this[int index] => Nodes[index];

    /// <summary>Starts <paramref name="count"/> host nodes and waits until all are Up.</summary>
    /// <param name="count">How many nodes.</param>
    /// <param name="configure">Adds to each node's Akka.Hosting setup, given the node's index.</param>
    /// <param name="extraHocon">HOCON over the host settings of every node.</param>
    /// <returns>The running cluster.</returns>
    public static async Task<TestCluster> StartAsync(int count, Action<AkkaConfigurationBuilder, int>? configure = null, string? extraHocon = null)
    {
        var cluster = new TestCluster("test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var programConfig = extraHocon is null ? ClusterHocon.Host : ConfigurationFactory.ParseString(extraHocon).WithFallback(ClusterHocon.Host);
            cluster._programConfig = programConfig;
            cluster._configure = configure;
            var seed = await cluster.StartNodeAsync(new NodeOptions { Group = cluster.Group, Port = 0 }, programConfig, configure, 0);
            var seedAddress = Akka.Cluster.Cluster.Get(seed).SelfAddress;
            for (var i = 1; i < count; i++)
            {
                var options = new NodeOptions
                {
                    Group = cluster.Group,
                    Port = 0,
                    Seeds = [new System.Net.DnsEndPoint(seedAddress.Host!, seedAddress.Port!.Value)],
                };
                await cluster.StartNodeAsync(options, programConfig, configure, i);
            }

            cluster.Nodes = [.. cluster._hosts.Select(host => host.Services.GetRequiredService<ActorSystem>())];
            await cluster.WaitUntilAllUpAsync(count);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more node with the same settings, joins it through the first running node, and waits until
    /// every running node sees all running nodes Up. Its index is the next one in <see cref="Nodes"/>.
    /// </summary>
    /// <returns>The new node's actor system.</returns>
    public async Task<ActorSystem> AddNodeAsync()
    {
        var seedAddress = Akka.Cluster.Cluster.Get(Nodes[Running.First()]).SelfAddress;
        var options = new NodeOptions
        {
            Group = Group,
            Port = 0,
            Seeds = [new System.Net.DnsEndPoint(seedAddress.Host!, seedAddress.Port!.Value)],
        };
        var system = await StartNodeAsync(options, _programConfig, _configure, _hosts.Count);
        Nodes = Nodes.Add(system);
        await WaitUntilAllUpAsync(Running.Count());
        return system;
    }

    /// <summary>
    /// Stops one node gracefully: it leaves the cluster and terminates. Its index stays taken in
    /// <see cref="Nodes"/>, and the other nodes see it removed shortly after this returns.
    /// </summary>
    /// <param name="index">The node's index in start order.</param>
    /// <returns>A task that completes when the node has terminated.</returns>
    public async Task StopNodeAsync(int index)
    {
        if (!_stopped.Add(index))
        {
            return;
        }

        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _hosts[index].StopAsync(stopping.Token);
        }
        finally
        {
            _hosts[index].Dispose();
        }
    }

    /// <summary>Creates a test probe living on one node.</summary>
    /// <param name="node">The node's index.</param>
    /// <returns>The probe.</returns>
    public TestProbe CreateProbe(int node) => new(Nodes[node], new XunitAssertions());

    /// <summary>Stops every node: each leaves the cluster and terminates.</summary>
    /// <returns>A task that completes when all are stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        // Stopping in reverse order lets the seed see the others leave.
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            if (_stopped.Contains(i))
            {
                continue;
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _hosts[i].StopAsync(stopping.Token);
            }
            finally
            {
                _hosts[i].Dispose();
            }
        }

        _hosts.Clear();
        _stopped.Clear();
    }

    private IEnumerable<int> Running => Enumerable.Range(0, Nodes.Length).Where(i => !_stopped.Contains(i));

    private async Task<ActorSystem> StartNodeAsync(NodeOptions options, Config programConfig, Action<AkkaConfigurationBuilder, int>? configure, int index)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka(options.Group, akka =>
        {
            akka.WithClusterNode(options, programConfig);
            configure?.Invoke(akka, index);
        });
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host.Services.GetRequiredService<ActorSystem>();
    }

    private async Task WaitUntilAllUpAsync(int count)
    {
        var upOnEveryNode = Running.Select(i => Nodes[i]).Select(async system =>
        {
            var allUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watcher = system.ActorOf(Props.Create(() => new UpWatcher(count, allUp)));
            try
            {
                await allUp.Task.WaitAsync(UpTimeout);
            }
            catch (TimeoutException)
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                throw new TimeoutException(
                    $"node {cluster.SelfAddress} did not see {count} members Up within {UpTimeout.TotalSeconds} s; it sees: " +
                    string.Join(", ", cluster.State.Members.Select(m => $"{m.Address} {m.Status}")));
            }
            finally
            {
                system.Stop(watcher);
            }
        });
        await Task.WhenAll(upOnEveryNode);
    }

    // Counts Up members from the events themselves: Cluster.State may lag behind the events a subscriber sees.
    private sealed class UpWatcher : ReceiveActor
    {
        private readonly HashSet<Akka.Actor.Address> _up = [];

        public UpWatcher(int count, TaskCompletionSource allUp)
        {
            Receive<ClusterEvent.CurrentClusterState>(state =>
            {
                _up.UnionWith(state.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address));
                Check(count, allUp);
            });
            Receive<ClusterEvent.MemberUp>(up =>
            {
                _up.Add(up.Member.Address);
                Check(count, allUp);
            });
            Receive<ClusterEvent.MemberRemoved>(removed => _up.Remove(removed.Member.Address));
            ReceiveAny(_ => { });
        }

        protected override void PreStart() =>
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));

        protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

        private void Check(int count, TaskCompletionSource allUp)
        {
            if (_up.Count >= count)
            {
                allUp.TrySetResult();
            }
        }
    }
}
