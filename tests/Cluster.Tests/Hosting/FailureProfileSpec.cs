using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Xunit;

namespace Cluster.Tests.Hosting;

public sealed class FailureProfileSpec
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void The_default_profile_adds_nothing_to_the_nodes_settings()
    {
        Assert.Null(ClusterNodeHostingExtensions.FailureProfile(ClusterHocon.Host, NoEnvironment));
        Assert.Equal(TimeSpan.FromSeconds(3), ClusterHocon.Host.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromSeconds(15), ClusterHocon.Host.GetTimeSpan("cluster-node.downing.indirectly-connected-after"));
    }

    [Fact]
    public void The_robot_lan_profile_named_in_the_configuration_lays_faster_failure_detection_over_the_nodes_settings()
    {
        var config = ConfigurationFactory.ParseString("cluster-node.profile = robot-lan").WithFallback(ClusterHocon.Host);

        var profile = ClusterNodeHostingExtensions.FailureProfile(config, NoEnvironment)!.WithFallback(config);

        Assert.Equal(TimeSpan.FromMilliseconds(200), profile.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(600), profile.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), profile.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromSeconds(10), profile.GetTimeSpan("cluster-node.downing.indirectly-connected-after"));
    }

    [Fact]
    public void CLUSTER_PROFILE_wins_over_the_configuration()
    {
        var profile = ClusterNodeHostingExtensions.FailureProfile(ClusterHocon.Lighthouse, name => name == "CLUSTER_PROFILE" ? "robot-lan" : null);

        Assert.Equal(TimeSpan.FromMilliseconds(200), profile!.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
    }

    [Fact]
    public void An_unknown_profile_is_refused_naming_the_variable_and_the_known_profiles()
    {
        var error = Assert.Throws<ClusterConfigurationException>(() => ClusterNodeHostingExtensions.FailureProfile(ClusterHocon.Host, _ => "robot-wan"));

        Assert.Equal("CLUSTER_PROFILE", error.Key);
        Assert.Contains("known: default, robot-lan", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_vote_and_Lighthouses_break_ties_in_the_downing_of_every_node()
    {
        Assert.Equal("Cluster.Agents.Core.Membership.HostMajorityDowningProvider, Cluster.Agents.Core", ClusterHocon.Lighthouse.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("host", ClusterHocon.Lighthouse.GetString("cluster-node.downing.role"));
        Assert.Equal("lighthouse", ClusterHocon.Lighthouse.GetString("cluster-node.downing.tie-breaker-role"));
        Assert.Equal(["host"], ClusterHocon.Host.GetStringList("akka.cluster.roles"));
        Assert.Equal(["lighthouse"], ClusterHocon.Lighthouse.GetStringList("akka.cluster.roles"));
    }
}
