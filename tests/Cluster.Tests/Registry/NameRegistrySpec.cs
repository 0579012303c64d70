using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Registry;
using Cluster.Agents.Hosting;
using Xunit;

namespace Cluster.Tests.Registry;

public sealed class NameRegistrySpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public NameRegistrySpec()
        : base(LocalNode.Config, "robot")
    {
    }

    private NameRegistry Registry => NameRegistry.Get(Sys);

    [Fact]
    public async Task A_registered_name_is_visible_at_once_with_its_kind_owner_and_node()
    {
        var owner = CreateTestProbe();

        var registration = await Registry.RegisterAsync("drive", "device", owner.Ref);

        var entry = Registry.Lookup("drive");
        Assert.Equal(registration.Entry, entry);
        Assert.Equal("drive", entry.Name);
        Assert.Equal("device", entry.Kind);
        Assert.Equal(owner.Ref, entry.Owner);
        Assert.Equal(Registry.Node, entry.Node);
        Assert.True(Registry.TryLookup("drive", out var found));
        Assert.Equal(entry, found);
    }

    [Fact]
    public void Lookup_of_an_unknown_name_fails_at_once_naming_it()
    {
        var error = Assert.Throws<UnknownNameException>(() => Registry.Lookup("gps"));

        Assert.Equal("gps", error.Name);
        Assert.Equal("No device or agent named 'gps' is registered in cluster 'robot'.", error.Message);
        Assert.False(Registry.TryLookup("gps", out _));
    }

    [Fact]
    public async Task Lookup_of_an_unknown_name_lists_similar_registered_names()
    {
        await Registry.RegisterAsync("/rover/arm/position", "path", CreateTestProbe().Ref);
        await Registry.RegisterAsync("/rover/arm/velocity", "path", CreateTestProbe().Ref);
        await Registry.RegisterAsync("camera", "device", CreateTestProbe().Ref);

        var typo = Assert.Throws<UnknownNameException>(() => Registry.Lookup("/rover/arm/postion"));
        var prefix = Assert.Throws<UnknownNameException>(() => Registry.Lookup("/rover/arm"));

        Assert.Equal("No device or agent named '/rover/arm/postion' is registered in cluster 'robot'; similar names: '/rover/arm/position'.", typo.Message);
        Assert.Equal(new[] { "/rover/arm/position", "/rover/arm/velocity" }, prefix.SimilarNames);
    }

    [Fact]
    public async Task A_duplicate_registration_is_refused_naming_the_holder()
    {
        var first = CreateTestProbe();
        await Registry.RegisterAsync("drive", "device", first.Ref);

        var error = await Assert.ThrowsAsync<DuplicateNameException>(() => Registry.RegisterAsync("drive", "agent", CreateTestProbe().Ref));

        Assert.Equal("drive", error.Name);
        Assert.Equal(first.Ref, error.Holder.Owner);
        Assert.Contains("'drive'", error.Message, StringComparison.Ordinal);
        Assert.Contains("a device on " + Registry.Node, error.Message, StringComparison.Ordinal);
        Assert.Equal(first.Ref, Registry.Lookup("drive").Owner);
    }

    [Fact]
    public async Task Disposing_the_registration_unregisters_the_name_and_frees_it()
    {
        var registration = await Registry.RegisterAsync("drive", "device", CreateTestProbe().Ref);

        await registration.DisposeAsync();

        Assert.False(Registry.TryLookup("drive", out _));
        var again = await Registry.RegisterAsync("drive", "device", CreateTestProbe().Ref);
        Assert.Equal(again.Entry, Registry.Lookup("drive"));
    }

    [Fact]
    public async Task Disposing_an_old_registration_leaves_a_newer_one_of_the_same_name_alone()
    {
        var old = await Registry.RegisterAsync("drive", "device", CreateTestProbe().Ref);
        await Registry.UnregisterAsync("drive");
        var current = await Registry.RegisterAsync("drive", "device", CreateTestProbe().Ref);

        await old.DisposeAsync();

        Assert.Equal(current.Entry, Registry.Lookup("drive"));
    }

    [Fact]
    public async Task UnregisterAsync_tells_whether_this_node_held_the_name()
    {
        await Registry.RegisterAsync("drive", "device", CreateTestProbe().Ref);

        Assert.True(await Registry.UnregisterAsync("drive"));
        Assert.False(await Registry.UnregisterAsync("drive"));
        Assert.False(Registry.TryLookup("drive", out _));
    }

    [Fact]
    public async Task An_owner_that_stops_loses_all_its_names()
    {
        var owner = CreateTestProbe();
        var other = CreateTestProbe();
        await Registry.RegisterAsync("arm", "device", owner.Ref);
        await Registry.RegisterAsync("/rover/arm/position", "path", owner.Ref);
        await Registry.RegisterAsync("gps", "device", other.Ref);

        Sys.Stop(owner.Ref);

        await AwaitAssertAsync(
            () => Assert.Equal(new[] { "gps" }, Registry.Entries.Select(entry => entry.Name)),
            Patience);
    }

    [Fact]
    public async Task An_owner_that_unregistered_one_name_still_loses_the_others_when_it_stops()
    {
        var owner = CreateTestProbe();
        await Registry.RegisterAsync("arm", "device", owner.Ref);
        await Registry.RegisterAsync("arm/gripper", "device", owner.Ref);
        await Registry.UnregisterAsync("arm");

        Sys.Stop(owner.Ref);

        await AwaitAssertAsync(() => Assert.Empty(Registry.Entries), Patience);
    }

    [Fact]
    public async Task Entries_lists_every_name_in_ordinal_order()
    {
        foreach (var name in new[] { "gps", "/rover/arm", "Drive", "arm" })
        {
            await Registry.RegisterAsync(name, "device", CreateTestProbe().Ref);
        }

        Assert.Equal(new[] { "/rover/arm", "Drive", "arm", "gps" }, Registry.Entries.Select(entry => entry.Name));
    }

    [Fact]
    public async Task Empty_names_and_kinds_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterAsync(" ", "device", CreateTestProbe().Ref));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterAsync("drive", "", CreateTestProbe().Ref));
    }

    [Fact]
    public void The_settings_default_to_the_host_role()
    {
        Assert.Equal("host", Registry.Settings.Role);
        Assert.Equal(TimeSpan.FromSeconds(2), Registry.Settings.DigestInterval);
    }

    [Fact]
    public void A_bad_duration_setting_is_refused_naming_the_key()
    {
        var config = ConfigurationFactory.ParseString("cluster-node.registry.digest-interval = 0s");

        var error = Assert.Throws<ArgumentException>(() => NameRegistrySettings.Create(config));

        Assert.Contains("cluster-node.registry.digest-interval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_without_the_registry_role_runs_no_registry_and_says_why()
    {
        var lighthouse = ActorSystem.Create("robot", ClusterHocon.Lighthouse);
        try
        {
            Assert.False(NameRegistry.IsEnabled(lighthouse));
            var error = Assert.Throws<InvalidOperationException>(() => NameRegistry.Get(lighthouse));
            Assert.Contains("role 'host'", error.Message, StringComparison.Ordinal);
            Assert.Contains("lighthouse", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await lighthouse.Terminate();
        }
    }
}
