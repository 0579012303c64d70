using Akka.Actor;
using Cluster.Agents.Operator;
using Cluster.Contracts.Operator;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Operator;

/// <summary>Cluster-wide lists gathered by the operator endpoint when a host's endpoint does not answer.</summary>
public sealed class OperatorGatherSpec(TwoNodeClusterFixture fixture) : IClassFixture<TwoNodeClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly TestCluster _cluster = fixture.Cluster;

    // Every host runs an endpoint; node 1's is stopped, so that host never answers the gathering.
    private async Task<IActorRef> EndpointWithNodeOneSilentAsync()
    {
        var probe = _cluster.CreateProbe(1);
        var silenced = _cluster[1].ActorSelection($"/user/{OperatorEndpoint.Name}");
        silenced.Tell(new Identify(1), probe.Ref);
        if ((await probe.ExpectMsgAsync<ActorIdentity>(Patience)).Subject is { } endpoint)
        {
            probe.Watch(endpoint);
            _cluster[1].Stop(endpoint);
            await probe.ExpectTerminatedAsync(endpoint, Patience);
        }

        return await _cluster[0].ActorSelection($"/user/{OperatorEndpoint.Name}").ResolveOne(Patience);
    }

    private string SilentNode => Akka.Cluster.Cluster.Get(_cluster[1]).SelfAddress.ToString();

    [Fact]
    public async Task Topic_list_names_the_hosts_that_did_not_answer()
    {
        var probe = _cluster.CreateProbe(0);

        (await EndpointWithNodeOneSilentAsync()).Tell(ListTopics.Instance, probe.Ref);

        var list = await probe.ExpectMsgAsync<TopicList>(Patience);
        Assert.Equal(SilentNode, Assert.Single(list.Silent));
    }

    [Fact]
    public async Task Agent_list_names_the_hosts_that_did_not_answer()
    {
        var probe = _cluster.CreateProbe(0);

        (await EndpointWithNodeOneSilentAsync()).Tell(ListAgents.Instance, probe.Ref);

        var list = await probe.ExpectMsgAsync<AgentList>(Patience);
        Assert.Equal(SilentNode, Assert.Single(list.Silent));
    }
}
