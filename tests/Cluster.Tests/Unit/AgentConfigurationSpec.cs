using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.ClusterTime;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting;
using Cluster.Host.Demo;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Cluster.Tests.Unit;

public enum DriveMode
{
    Manual,
    Autonomous,
}

public sealed record DriveSettings
{
    public required string Port { get; init; }

    public double MaxSpeed { get; init; } = 1.0;

    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    public bool Enabled { get; init; } = true;

    public int Retries { get; init; }

    public DriveMode Mode { get; init; }
}

public sealed class ConfiguredDrive(DriveSettings settings) : ReceiveActor
{
    public DriveSettings Settings { get; } = settings;
}

public sealed record ArmSettings : IValidatedSettings
{
    public double Reach { get; init; } = 1;

    public void Validate(string keyPrefix, Config nodeConfig)
    {
        if (Reach <= 0)
        {
            throw new ClusterConfigurationException($"{keyPrefix}.reach", Reach.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be positive.");
        }
    }
}

public sealed class ConfiguredArm(ArmSettings settings) : ReceiveActor
{
    public ArmSettings Settings { get; } = settings;
}

public sealed class NoSettingsAgent : ReceiveActor;

public abstract class AbstractAgent : ReceiveActor;

public sealed class AgentConfigurationSpec
{
    private static Config Agents(string hocon) => ConfigurationFactory.ParseString($"cluster-host.agents {{ {hocon} }}");

    private static ClusterConfigurationException Refused(string hocon) =>
        Assert.Throws<ClusterConfigurationException>(() => AgentConfiguration.Read(Agents(hocon)));

    [Fact]
    public void The_demo_configuration_lists_the_demo_devices_the_rpc_agents_the_camera_the_membership_logger_and_the_rovers_paths()
    {
        var agents = AgentConfiguration.Read(DemoAgents.Config);

        Assert.Equal(["drive", "battery", "dashboard", "drive-control", "planner", "camera", "membership", "rover-paths"], agents.Select(a => a.Name));
        Assert.Equal(
            [typeof(DriveDevice), typeof(BatteryDevice), typeof(DashboardDevice), typeof(DriveControl), typeof(Planner), typeof(CameraActor), typeof(MembershipLogger), typeof(RoverPaths)],
            agents.Select(a => a.ActorType));
        Assert.All(agents, agent => Assert.Null(agent.Settings));
    }

    [Fact]
    public void A_configuration_without_agents_lists_none() =>
        Assert.Empty(AgentConfiguration.Read(ClusterHocon.Host));

    [Fact]
    public void Settings_are_bound_from_kebab_case_keys_with_their_types()
    {
        var agents = AgentConfiguration.Read(Agents("""
            drive {
              type = "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests"
              settings { port = "/dev/ttyUSB0", max-speed = 2.5, period = "100 ms", enabled = off, retries = 3, mode = autonomous }
            }
            """));

        var settings = Assert.IsType<DriveSettings>(Assert.Single(agents).Settings);
        Assert.Equal(new DriveSettings
        {
            Port = "/dev/ttyUSB0",
            MaxSpeed = 2.5,
            Period = TimeSpan.FromMilliseconds(100),
            Enabled = false,
            Retries = 3,
            Mode = DriveMode.Autonomous,
        }, settings);
    }

    [Fact]
    public void Unset_optional_settings_keep_their_defaults()
    {
        var agents = AgentConfiguration.Read(Agents("""drive { type = "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", settings { port = "x" } }"""));

        var settings = Assert.IsType<DriveSettings>(agents[0].Settings);
        Assert.Equal(1.0, settings.MaxSpeed);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.Period);
    }

    [Fact]
    public void A_type_name_without_its_assembly_is_found_among_loaded_assemblies()
    {
        var agents = AgentConfiguration.Read(Agents("""beat { type = "Cluster.Host.Demo.MembershipLogger" }"""));

        Assert.Equal(typeof(MembershipLogger), agents[0].ActorType);
    }

    [Fact]
    public void An_unknown_type_is_refused_naming_the_key_and_the_type()
    {
        var error = Refused("""drive { type = "MyRobot.NoSuchAgent, MyRobot" }""");

        Assert.Equal("cluster-host.agents.drive.type", error.Key);
        Assert.Equal("MyRobot.NoSuchAgent, MyRobot", error.Value);
        Assert.Contains("cluster-host.agents.drive.type", error.Message, StringComparison.Ordinal);
        Assert.Contains("MyRobot.NoSuchAgent, MyRobot", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.String", "not an actor type")]
    [InlineData("Cluster.Tests.Unit.AbstractAgent, Cluster.Tests", "not an actor type")]
    public void A_type_that_is_not_a_concrete_actor_is_refused(string type, string problem)
    {
        var error = Refused($$"""x { type = "{{type}}" }""");

        Assert.Equal("cluster-host.agents.x.type", error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_that_validate_themselves_are_checked_when_read_with_their_key_prefix()
    {
        var error = Refused("""arm { type = "Cluster.Tests.Unit.ConfiguredArm, Cluster.Tests", settings { reach = -2 } }""");

        Assert.Equal("cluster-host.agents.arm.settings.reach", error.Key);
        Assert.Equal("-2", error.Value);
        Assert.Equal(5, Assert.IsType<ArmSettings>(AgentConfiguration.Read(Agents("""arm { type = "Cluster.Tests.Unit.ConfiguredArm, Cluster.Tests", settings { reach = 5 } }""")).Single().Settings).Reach);
    }

    [Theory]
    [InlineData("increment = 0s", "cluster-host.agents.clock.settings.increment")]
    [InlineData("rate = -1", "cluster-host.agents.clock.settings.rate")]
    [InlineData("max-ticks-ahead = 0", "cluster-host.agents.clock.settings.max-ticks-ahead")]
    [InlineData("follower-timeout = 100ms", "cluster-host.agents.clock.settings.follower-timeout")]
    public void A_clock_source_with_a_setting_out_of_range_stops_start_up_naming_the_key(string setting, string key)
    {
        var config = ConfigurationFactory.ParseString($$"""
            cluster-node.clock.mode = follow
            cluster-host.agents.clock { type = "Cluster.Agents.Core.ClusterTime.ClockSource, Cluster.Agents.Core", settings { {{setting}} } }
            """);

        Assert.Equal(key, Assert.Throws<ClusterConfigurationException>(() => AgentConfiguration.Read(config)).Key);
    }

    [Fact]
    public void A_clock_source_on_a_node_whose_clock_does_not_follow_stops_start_up_naming_the_clock_mode()
    {
        var error = Refused("""clock { type = "Cluster.Agents.Core.ClusterTime.ClockSource, Cluster.Agents.Core" }""");

        Assert.Equal("cluster-node.clock.mode", error.Key);
        Assert.Equal("real", error.Value);
        Assert.Contains("follow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_type_is_refused_naming_the_key() =>
        Assert.Equal("cluster-host.agents.drive.type", Refused("drive { settings { port = x } }").Key);

    [Fact]
    public void A_missing_required_setting_is_refused_naming_the_key()
    {
        var error = Refused("""drive { type = "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", settings { max-speed = 1 } }""");

        Assert.Equal("cluster-host.agents.drive.settings.port", error.Key);
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max-speed", "fast", "Double")]
    [InlineData("period", "1 ps", "duration")]
    [InlineData("enabled", "maybe", "boolean")]
    [InlineData("retries", "1.5", "Int32")]
    [InlineData("mode", "warp", "Manual, Autonomous")]
    public void A_bad_value_is_refused_naming_the_key_and_the_value(string key, string value, string expected)
    {
        var error = Refused($$"""drive { type = "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", settings { port = x, {{key}} = "{{value}}" } }""");

        Assert.Equal($"cluster-host.agents.drive.settings.{key}", error.Key);
        Assert.Equal(value, error.Value);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_setting_is_refused_listing_the_known_ones()
    {
        var error = Refused("""drive { type = "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", settings { port = x, max-sped = 2 } }""");

        Assert.Equal("cluster-host.agents.drive.settings.max-sped", error.Key);
        Assert.Contains("max-speed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_for_a_type_that_takes_none_are_refused() =>
        Assert.Equal(
            "cluster-host.agents.quiet.settings",
            Refused("""quiet { type = "Cluster.Tests.Unit.NoSettingsAgent, Cluster.Tests", settings { a = 1 } }""").Key);

    [Fact]
    public void An_unknown_key_in_an_entry_is_refused() =>
        Assert.Equal(
            "cluster-host.agents.quiet.tpye",
            Refused("""quiet { tpye = "Cluster.Tests.Unit.NoSettingsAgent, Cluster.Tests" }""").Key);

    [Fact]
    public void An_invalid_actor_name_is_refused() =>
        Assert.Equal(
            "cluster-host.agents.bad name",
            Refused("""  "bad name" { type = "Cluster.Tests.Unit.NoSettingsAgent, Cluster.Tests" }""").Key);

    [Fact]
    public void Bare_number_for_a_duration_setting_is_refused_naming_the_key()
    {
        var error = Refused("""drive { type = "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", settings { port = x, period = 5 } }""");

        Assert.Equal("cluster-host.agents.drive.settings.period", error.Key);
        Assert.Equal("cluster-host.agents.drive.settings.period = '5': a duration needs a unit, e.g. \"5 ms\" or \"5 s\".", error.Message);
    }

    [Theory]
    [InlineData("100ms", 100)]
    [InlineData("\"100 ms\"", 100)]
    [InlineData("2 seconds", 2000)]
    [InlineData("2s", 2000)]
    [InlineData("1 minute", 60_000)]
    [InlineData("\"3 minutes\"", 180_000)]
    public void Duration_settings_take_any_unit_HOCON_knows(string value, double milliseconds)
    {
        var agents = AgentConfiguration.Read(Agents($$"""drive { type = "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", settings { port = x, period = {{value}} } }"""));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Assert.IsType<DriveSettings>(agents[0].Settings).Period);
    }

    [Fact]
    public void Settings_can_come_from_appsettings_json_with_the_same_binding()
    {
        var agents = AgentConfiguration.Read(Config.Empty, Json("""
            {
              "cluster-host": {
                "agents": {
                  "drive": {
                    "type": "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests",
                    "settings": { "Port": "/dev/ttyUSB1", "MaxSpeed": 2.5, "period": "250 ms", "enabled": "off", "mode": "Autonomous" }
                  }
                }
              }
            }
            """));

        Assert.Equal("drive", Assert.Single(agents).Name);
        Assert.Equal(
            new DriveSettings { Port = "/dev/ttyUSB1", MaxSpeed = 2.5, Period = TimeSpan.FromMilliseconds(250), Enabled = false, Mode = DriveMode.Autonomous },
            agents[0].Settings);
    }

    [Fact]
    public void Settings_from_appsettings_json_are_validated_the_same_naming_their_key()
    {
        var bareNumber = Assert.Throws<ClusterConfigurationException>(() => AgentConfiguration.Read(Config.Empty, Json("""
            { "cluster-host": { "agents": { "drive": { "type": "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", "settings": { "Port": "x", "Period": "5" } } } } }
            """)));
        var outOfRange = Assert.Throws<ClusterConfigurationException>(() => AgentConfiguration.Read(Config.Empty, Json("""
            { "cluster-host": { "agents": { "arm": { "type": "Cluster.Tests.Unit.ConfiguredArm, Cluster.Tests", "settings": { "Reach": -1 } } } } }
            """)));
        var missing = Assert.Throws<ClusterConfigurationException>(() => AgentConfiguration.Read(Config.Empty, Json("""
            { "cluster-host": { "agents": { "drive": { "type": "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", "settings": { "MaxSpeed": 1 } } } } }
            """)));
        var unknown = Assert.Throws<ClusterConfigurationException>(() => AgentConfiguration.Read(Config.Empty, Json("""
            { "cluster-host": { "agents": { "drive": { "type": "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", "settings": { "Port": "x", "MaxSped": 1 } } } } }
            """)));

        Assert.Equal("cluster-host:agents:drive:settings:Period", bareNumber.Key);
        Assert.Contains("needs a unit", bareNumber.Message, StringComparison.Ordinal);
        Assert.Equal("cluster-host.agents.arm.settings.reach", outOfRange.Key);
        Assert.Equal("cluster-host.agents.drive.settings.port", missing.Key);
        Assert.Equal("cluster-host:agents:drive:settings:MaxSped", unknown.Key);
        Assert.Contains("max-speed", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_style_keys_override_the_HOCON_settings_of_the_same_agent()
    {
        var environment = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CLUSTER_HOST:AGENTS:drive:settings:MaxSpeed"] = "3",
                ["CLUSTER_HOST:AGENTS:drive:settings:Period"] = "2 s",
            })
            .Build();

        var agents = AgentConfiguration.Read(
            Agents("""drive { type = "Cluster.Tests.Unit.ConfiguredDrive, Cluster.Tests", settings { port = x, max-speed = 1, period = 100ms } }"""),
            environment);

        var settings = Assert.IsType<DriveSettings>(Assert.Single(agents).Settings);
        Assert.Equal(3, settings.MaxSpeed);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Period);
        Assert.Equal("x", settings.Port);
    }

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)))
            .Build();
}
