using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Rpc;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Rpc;

public sealed class AgentContainerSpec(OneNodeClusterFixture fixture) : IClassFixture<OneNodeClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TestCluster _cluster = fixture.Cluster;

    private AgentContainer Container => AgentContainer.Get(_cluster[0]);

    [Fact]
    public async Task Spawn_returns_an_address_on_this_node_whose_string_form_round_trips()
    {
        var address = await Container.SpawnAsync<Chef>();

        Assert.Equal(AgentAddress.Parse(address.ToString()), address);
        var self = Akka.Cluster.Cluster.Get(_cluster[0]).SelfAddress;
        Assert.Equal(self, address.NodeOver(self.Protocol));
        Assert.Equal(Container.Address, address.Container);
        Assert.Matches("^[0-9]+$", address.Id);
    }

    [Fact]
    public async Task The_container_lists_its_agents_with_address_and_type()
    {
        var first = await Container.SpawnAsync<Chef>();
        var second = await Container.SpawnAsync(typeof(Watchman), new Lifetime());

        var agents = Container.Agents;

        Assert.Contains(new AgentInfo(first, typeof(Chef).FullName!), agents);
        Assert.Contains(new AgentInfo(second, typeof(Watchman).FullName!), agents);
    }

    [Fact]
    public async Task A_stopped_agent_leaves_the_list_and_connecting_to_it_fails_naming_it()
    {
        var address = await Container.SpawnAsync<Chef>();

        await Container.StopAsync(address);

        Assert.DoesNotContain(Container.Agents, a => a.Address == address);
        var error = await Assert.ThrowsAsync<AgentNotFoundException>(() => Container.ConnectAsync<IChef>(address));
        Assert.Equal($"Agent '{address.Id}' does not exist in container {Container.Address}", error.Message);
    }

    [Fact]
    public async Task A_proactive_agent_runs_its_task_from_spawn_until_it_stops()
    {
        var lifetime = new Lifetime();

        var address = await Container.SpawnAsync<Watchman>(lifetime);
        await lifetime.Started.Task.WaitAsync(Wait);
        Assert.False(lifetime.Cancelled.Task.IsCompleted);
        var proxy = await Container.ConnectAsync(address);
        Assert.Equal("watching", await proxy.CallAsync<string>("status"));

        await Container.StopAsync(address);

        await lifetime.Cancelled.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_named_agent_is_registered_and_reached_by_its_name()
    {
        var address = await Container.SpawnNamedAsync<Chef>("container-spec-chef");

        var proxy = await Container.ConnectAsync<IChef>("container-spec-chef");

        Assert.Equal("agent://" + _cluster.Group, address.Container[..(8 + _cluster.Group.Length)]);
        Assert.Equal("container-spec-chef", address.Id);
        Assert.Equal(address, ((IAgentReference)proxy).Address);
        Assert.Equal(3, proxy.Add(1, 2));
        var duplicate = await Assert.ThrowsAsync<DuplicateNameException>(() => Container.SpawnNamedAsync<Chef>("container-spec-chef"));
        Assert.Contains("container-spec-chef", duplicate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_by_an_unknown_name_fails_at_once_with_the_registry_error()
    {
        await Assert.ThrowsAsync<UnknownNameException>(() => Container.ConnectAsync<IChef>("no-such-agent"));
    }

    [Fact]
    public async Task Spawning_a_type_that_is_not_an_agent_or_with_wrong_constructor_arguments_fails_naming_it()
    {
        var notAgent = await Assert.ThrowsAsync<ArgumentException>(() => Container.SpawnAsync(typeof(string)));
        var wrongArgs = await Assert.ThrowsAsync<ArgumentException>(() => Container.SpawnAsync<Watchman>("not a lifetime"));

        Assert.Contains("System.String is not an agent type", notAgent.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Watchman).FullName!, wrongArgs.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_call_of_every_member_kind_answers()
    {
        var chef = await Container.ConnectAsync<IChef>(await Container.SpawnAsync<Chef>());

        Assert.Equal(5, chef.Add(2, 3));
        Assert.StartsWith("hello rover", await chef.GreetAsync("rover"), StringComparison.Ordinal);
        await chef.PingAsync();
        Assert.Equal(1, await chef.CountAsync());
        Assert.Equal(2, await chef.CountAsync());
        Assert.Equal("soft eggs", await chef.Eggs.CookAsync("soft"));
    }

    [Fact]
    public async Task An_empty_path_is_refused_at_the_caller_and_by_the_agent()
    {
        var proxy = await Container.ConnectAsync(await Container.SpawnAsync<Chef>());
        var target = await Container.ResolveAsync(proxy.Address, CancellationToken.None);

        var atCaller = await Assert.ThrowsAsync<ArgumentException>(() => proxy.CallAsync<string>(""));
        var atAgent = await Assert.ThrowsAsync<RemoteException>(() =>
            CallClient.Get(_cluster[0]).RequestAsync<object>(target, new Contracts.Calls.EndpointCall(" ", []), Wait));

        Assert.Contains("needs a member name: the path is empty", atCaller.Message, StringComparison.Ordinal);
        Assert.Contains("a call needs an endpoint's name", atAgent.RemoteMessage, StringComparison.Ordinal);
    }
}
