using Cluster.Agents.Core.Endpoints;
using Xunit;

namespace Cluster.Tests.Endpoints;

public sealed class EndpointTableSpec
{
    private static readonly Nest Root = new(new Nest(null, 1), 0);

    private static EndpointTable Table()
    {
        var table = new EndpointTable("table-spec");
        table.Add(new Endpoint("set-speed", [new EndpointParameter("speed", typeof(double))], (_, args) => args[0]));
        table.Add(new Endpoint("stop", [], (_, _) => "stopped"));
        table.Add(new EndpointRouter("arm", holder => ((Nest)holder!).Child, _ => Table(), "Nest.Child"));
        table.Hide("secret", "\"Nest.Secret\" is not exposed");
        return table;
    }

    [Theory]
    [InlineData("set-speed")]
    [InlineData("SetSpeed")]
    [InlineData("set_speed")]
    [InlineData("SETSPEED")]
    public void Names_match_ignoring_case_dashes_and_underscores(string name)
    {
        var (endpoint, _) = Table().Resolve(Root, name, "drive");

        Assert.Equal("set-speed", endpoint.Name);
    }

    [Fact]
    public void A_path_walks_through_routers_to_the_endpoint_and_the_object_it_runs_on()
    {
        var (endpoint, target) = Table().Resolve(Root, "arm/stop", "drive");

        Assert.Equal("stop", endpoint.Name);
        Assert.Same(Root.Child, target);
    }

    [Theory]
    [InlineData("sped", "'drive' has no endpoint 'sped'; its endpoints: arm, set-speed, stop.")]
    [InlineData("secret", "'drive' has no endpoint 'secret': \"Nest.Secret\" is not exposed; its endpoints there: arm, set-speed, stop.")]
    [InlineData("arm", "'drive' has no endpoint 'arm': 'arm' is a router (Nest.Child), not an endpoint")]
    [InlineData("arm/wave", "'drive' has no endpoint 'arm/wave': 'arm' has no 'wave'; its endpoints there: arm, set-speed, stop.")]
    [InlineData("stop/now", "'drive' has no endpoint 'stop/now': 'stop' is an endpoint, not a router")]
    [InlineData("arm/arm/stop", "'drive' has no endpoint 'arm/arm/stop': the router 'arm/arm' (Nest.Child) is null")]
    [InlineData("arm//stop", "'drive' has no endpoint 'arm//stop': the path has an empty segment after 'arm'")]
    [InlineData(" ", "'drive' has no endpoint ' ': a call needs an endpoint's name")]
    public void A_name_that_leads_to_no_endpoint_is_one_error_that_lists_what_is_there(string path, string expected)
    {
        var error = Assert.Throws<UnknownEndpointException>(() => Table().Resolve(Root, path, "drive"));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(("drive", path), (error.Owner, error.Endpoint));
    }

    [Fact]
    public void Two_endpoints_whose_names_match_by_the_rule_are_refused_naming_both()
    {
        var table = Table();

        var error = Assert.Throws<ArgumentException>(() => table.Add(new Endpoint("Set_Speed", [], (_, _) => null)));

        Assert.Contains("'table-spec' declares two endpoints named 'set-speed' and 'Set_Speed'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("-_")]
    public void A_name_that_cannot_name_an_endpoint_is_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => new Endpoint(name, [], (_, _) => null));
    }

    [Fact]
    public void A_required_parameter_after_an_optional_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new Endpoint(
            "move",
            [new EndpointParameter("speed", typeof(double), IsOptional: true, DefaultValue: 1.0), new EndpointParameter("distance", typeof(double))],
            (_, _) => null));
    }

    private sealed record Nest(Nest? Child, int Depth);
}
