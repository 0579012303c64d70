using System.Reflection;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting.AgentAssemblies;
using Xunit;

namespace Cluster.Tests.Hosting;

/// <summary>An agent assembly runs only in a host of the framework version it was built against.</summary>
public sealed class FrameworkVersionSpec
{
    private static readonly Version Host = new(0, 1);

    [Fact]
    public void An_assembly_built_against_another_minor_version_is_refused_with_both_versions_named()
    {
        AssemblyName[] references = [new("Akka, Version=1.5.73.0"), new("Cluster.Agents.Devices, Version=0.2.0.0")];

        var problem = FrameworkVersion.Mismatch("MyRobot.dll", references, Host);

        Assert.Equal(
            "MyRobot.dll was built against Cluster.Agents.Devices 0.2, but this host runs the framework 0.1: rebuild the agents against version 0.1.* of the Cluster.Agents packages, or run them in a host of version 0.2.",
            problem);
    }

    [Fact]
    public void An_assembly_built_against_another_patch_of_the_same_version_is_accepted()
    {
        AssemblyName[] references = [new("Cluster.Contracts, Version=0.1.7.0"), new("Cluster.Agents.Core, Version=0.1.0.0")];

        Assert.Null(FrameworkVersion.Mismatch("MyRobot.dll", references, Host));
    }

    [Fact]
    public void The_framework_assemblies_carry_the_version_set_once_for_the_repository()
    {
        var core = typeof(TypeNames).Assembly.GetName().Version!;
        var contracts = typeof(Cluster.Contracts.IClusterMessage).Assembly.GetName().Version!;
        var hosting = typeof(AgentAssemblyFolders).Assembly.GetName().Version!;

        Assert.Equal(core, contracts);
        Assert.Equal(core, hosting);
        Assert.NotEqual(new Version(1, 0, 0, 0), core);
    }
}
