using Akka.Actor;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Endpoints;
using Cluster.Agents.Rpc;
using Cluster.Contracts.Calls;
using Cluster.Tests.MultiNode;
using Xunit;

namespace Cluster.Tests.Rpc;

public sealed class RpcAcrossNodesSpec(TwoNodeClusterFixture fixture) : IClassFixture<TwoNodeClusterFixture>
{
    private readonly TestCluster _cluster = fixture.Cluster;

    private AgentContainer Caller => AgentContainer.Get(_cluster[0]);

    private AgentContainer Remote => AgentContainer.Get(_cluster[1]);

    private string RemoteNode => Akka.Cluster.Cluster.Get(_cluster[1]).SelfAddress.ToString();

    [Fact]
    public async Task A_typed_proxy_calls_sync_Task_TaskOfT_and_ValueTaskOfT_members_on_another_node()
    {
        var address = await Remote.SpawnAsync<Chef>();

        var chef = await Caller.ConnectAsync<IChef>(address);

        Assert.Equal(5, chef.Add(2, 3));
        Assert.Equal($"hello rover from {address.Id}", await chef.GreetAsync("rover"));
        await chef.PingAsync();
        Assert.Equal(1, await chef.CountAsync());
        Assert.Equal(2, await chef.CountAsync());
        Assert.Equal(address, ((IAgentReference)chef).Address);
    }

    [Fact]
    public async Task A_dynamic_proxy_calls_members_by_path_on_another_node()
    {
        var address = await Remote.SpawnAsync<Chef>();

        var chef = await Caller.ConnectAsync(address.ToString());

        Assert.Equal(7, await chef.CallAsync<int>("add", 3, 4));
        Assert.Equal("hello rover from " + address.Id, await chef.CallAsync<string>("Greet", "rover"));
        Assert.Equal("hard eggs", await chef.CallAsync<string>("eggs/cook", "hard"));
    }

    [Fact]
    public async Task A_nested_router_is_reached_segment_by_segment_through_a_typed_proxy()
    {
        var chef = await Caller.ConnectAsync<IChef>(await Remote.SpawnAsync<Chef>());

        Assert.Equal("poached eggs", await chef.Eggs.CookAsync("poached"));
    }

    [Fact]
    public async Task Connecting_to_a_missing_agent_fails_at_once_naming_the_id_and_the_container()
    {
        var missing = AgentAddress.For(Akka.Cluster.Cluster.Get(_cluster[1]).SelfAddress, "4242");

        var error = await Assert.ThrowsAsync<AgentNotFoundException>(() => Caller.ConnectAsync<IChef>(missing).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal($"Agent '4242' does not exist in container {Remote.Address}", error.Message);
        Assert.Equal(missing, error.Address);
    }

    [Fact]
    public async Task Connecting_to_a_node_that_is_not_a_member_fails_at_once_naming_it()
    {
        var nowhere = new AgentAddress(_cluster.Group, "127.0.0.1", 1, "1");

        var error = await Assert.ThrowsAsync<AgentNotFoundException>(() => Caller.ConnectAsync(nowhere).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains($"no node akka.tcp://{_cluster.Group}@127.0.0.1:1 is a member", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("boil", "has no endpoint 'boil'; its endpoints: ")]
    [InlineData("eggs/boil", "has no endpoint 'eggs/boil': 'eggs' has no 'boil'; its endpoints there: ")]
    [InlineData("add/more", "has no endpoint 'add/more': 'add' is an endpoint, not a router")]
    [InlineData("secret", "has no endpoint 'secret': \"Cluster.Tests.Rpc.Chef.SecretAsync\" is not exposed")]
    [InlineData("eggs/tostring", "has no endpoint 'eggs/tostring': \"Cluster.Tests.Rpc.Eggs.ToString\" is not exposed")]
    [InlineData("eggs", "has no endpoint 'eggs': 'eggs' is a router (Cluster.Tests.Rpc.Chef.Eggs), not an endpoint")]
    public async Task A_path_that_leads_to_no_exposed_method_fails_with_the_agents_lookup_error(string path, string expected)
    {
        var chef = await Caller.ConnectAsync(await Remote.SpawnAsync<Chef>());

        var error = await Assert.ThrowsAsync<RemoteException>(() => chef.CallAsync<object>(path));

        Assert.Contains(expected, error.RemoteMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(UnknownEndpointException).FullName, error.RemoteType);
    }

    [Fact]
    public async Task A_member_that_is_not_exposed_cannot_be_called_through_a_typed_proxy_either()
    {
        var chef = await Caller.ConnectAsync<IChef>(await Remote.SpawnAsync<Chef>());

        var error = await Assert.ThrowsAsync<RemoteException>(chef.SecretAsync);

        Assert.Contains("\"Cluster.Tests.Rpc.Chef.SecretAsync\" is not exposed", error.RemoteMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_that_throws_gives_a_RemoteException_with_the_agent_node_type_and_trace_and_the_agent_keeps_serving()
    {
        var address = await Remote.SpawnAsync<Chef>();
        var chef = await Caller.ConnectAsync<IChef>(address);

        var error = await Assert.ThrowsAsync<RemoteException>(() => chef.FailAsync("the pan is on fire"));

        Assert.Equal(address.ToString(), error.OriginName);
        Assert.Equal(RemoteNode, error.OriginNode);
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Contains("Chef.FailAsync", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.EndsWith("InvalidOperationException: the pan is on fire", error.Message, StringComparison.Ordinal);
        Assert.Equal(9, chef.Add(4, 5));
    }

    [Fact]
    public async Task Wrong_argument_count_or_type_fails_with_an_error_naming_the_member()
    {
        var chef = await Caller.ConnectAsync(await Remote.SpawnAsync<Chef>());

        var count = await Assert.ThrowsAsync<RemoteException>(() => chef.CallAsync<int>("add", 1));
        var type = await Assert.ThrowsAsync<RemoteException>(() => chef.CallAsync<int>("add", 1, "two"));
        var widened = await chef.CallAsync<int>("add", 1L, 2L);

        Assert.EndsWith("' takes 2 argument(s) (Int32 a, Int32 b); it was given 1.", count.RemoteMessage, StringComparison.Ordinal);
        Assert.StartsWith("The endpoint 'Add' of 'agent://", count.RemoteMessage, StringComparison.Ordinal);
        Assert.StartsWith("Argument 2 ('b') of the endpoint 'Add' of 'agent://", type.RemoteMessage, StringComparison.Ordinal);
        Assert.EndsWith("must be a Int32; it was a String (two).", type.RemoteMessage, StringComparison.Ordinal);
        Assert.Equal(3, widened);
    }

    [Fact]
    public async Task A_proxy_passed_as_an_argument_arrives_as_a_working_proxy_on_the_other_node()
    {
        var onCaller = await Caller.ConnectAsync<IChef>(await Caller.SpawnAsync<Chef>());
        var remoteChef = await Caller.ConnectAsync<IChef>(await Remote.SpawnAsync<Chef>());

        var answer = await remoteChef.AskOtherAsync(onCaller, "rover");

        Assert.Equal($"hello rover from {((IAgentReference)onCaller).Address.Id}", answer);
        Assert.Equal(typeof(AgentAddress).FullName, await remoteChef.DescribeAsync(onCaller));
    }

    [Fact]
    public async Task An_agent_returned_from_another_node_arrives_as_a_working_proxy()
    {
        var address = await Remote.SpawnAsync<Chef>();
        var chef = await Caller.ConnectAsync<IChef>(address);

        var self = await chef.SelfAsync();
        var dynamicSelf = await (await Caller.ConnectAsync(address)).CallAsync<AgentProxy>("self");

        Assert.Equal(address, ((IAgentReference)self).Address);
        Assert.Equal(11, self.Add(5, 6));
        Assert.Equal("soft eggs", await dynamicSelf.CallAsync<string>("eggs/cook", "soft"));
    }

    [Fact]
    public async Task An_argument_the_serializer_refuses_fails_at_the_caller_naming_its_type()
    {
        var chef = await Caller.ConnectAsync<IChef>(await Remote.SpawnAsync<Chef>());

        var file = await Assert.ThrowsAsync<ArgumentException>(() => chef.DescribeAsync(new FileInfo("/tmp/robot.log")));
        var callback = await Assert.ThrowsAsync<ArgumentException>(() => chef.DescribeAsync(new Action(() => { })));

        Assert.Contains("System.IO.FileInfo", file.Message, StringComparison.Ordinal);
        Assert.Contains("System.Action", callback.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_to_an_agent_that_stopped_after_connecting_fails_promptly_saying_so()
    {
        var address = await Remote.SpawnAsync<Chef>();
        var chef = await Caller.ConnectAsync<IChef>(address);

        await Remote.StopAsync(address);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => chef.GreetAsync("anyone").WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(error is TargetTerminatedException or TimeoutException { InnerException: AskTimeoutException }, error.ToString());
    }
}
