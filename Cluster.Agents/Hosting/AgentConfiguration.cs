using System.Collections.Immutable;
using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Hosting.AgentAssemblies;
using Microsoft.Extensions.Configuration;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Reads the agents a host spawns from its configuration, checking every one before anything starts.
/// </summary>
/// <remarks>
/// <para>
/// Each entry of <c>cluster-host.agents</c> is named for the agent and holds its actor type and, when the
/// type's constructor takes a settings object, the values for it:
/// <code>
/// cluster-host.agents {
///   drive {
///     type = "MyRobot.DriveAgent, MyRobot"
///     settings { max-speed = 1.5, period = "100 ms" }
///   }
/// }
/// </code>
/// The same entries may also come from an <see cref="IConfiguration"/> layered over the HOCON, such as
/// appsettings.json (<c>{"cluster-host": {"agents": {"drive": {"settings": {"MaxSpeed": 2}}}}}</c>) or
/// environment variables (<c>CLUSTER_HOST__AGENTS__drive__settings__MaxSpeed=2</c>); a value there overrides
/// the HOCON's.
/// </para>
/// <para>
/// A type deriving from <see cref="Rpc.RpcAgent"/> is spawned into the node's <see cref="Rpc.AgentContainer"/>
/// under its entry's name (its address ends with <c>/name</c>, and the name is registered cluster-wide);
/// any other type is an actor spawned under <c>/user/name</c>.
/// The type has one public constructor, taking nothing or a settings object. The settings type is a class with
/// a public parameterless constructor, bound by Microsoft.Extensions.Configuration's binder as options: each
/// property from the key of the same name, in kebab-case or not (<c>MaxSpeed</c> from <c>max-speed</c>); a
/// property declared <c>required</c> must be given; a key with no property is an error; a
/// <see cref="TimeSpan"/> is a duration with a unit (<c>"100 ms"</c>, <c>"2 seconds"</c>; see
/// <see cref="Core.Duration"/>); a boolean may also be on/off or yes/no; an enum is given by name. Settings
/// that implement <see cref="IValidatedSettings"/> are checked as they are read, as options validation.
/// </para>
/// </remarks>
public static class AgentConfiguration
{
    /// <summary>The HOCON path of the agent list.</summary>
    public const string Path = ClusterHocon.AgentsPath;

    /// <summary>
    /// Reads and checks every agent listed under <see cref="Path"/> in the HOCON and in <paramref name="configuration"/>,
    /// whose values override the HOCON's.
    /// </summary>
    /// <param name="config">The host's HOCON configuration.</param>
    /// <param name="configuration">
    /// The program's other configuration (appsettings.json, environment variables), or null for the HOCON alone;
    /// only its <c>cluster-host:agents</c> section is read.
    /// </param>
    /// <param name="assemblies">
    /// The agent folders loaded before (<see cref="AgentAssemblyFolders.Load"/>), named in the message about a type
    /// that is not found; null when none were given.
    /// </param>
    /// <returns>The agents: the HOCON's in the order they are listed, then those only <paramref name="configuration"/> lists.</returns>
    /// <exception cref="ClusterConfigurationException">An entry is wrong; the message names its key and value.</exception>
    public static ImmutableArray<AgentSpec> Read(Config config, IConfiguration? configuration = null, AgentAssemblyFolders? assemblies = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var entries = AgentEntries.Read(config, configuration);
        return [.. entries.Names.Select(name => ReadAgent(name, entries.ValuesOf(name), config, assemblies ?? AgentAssemblyFolders.None))];
    }

    private static AgentSpec ReadAgent(string name, IReadOnlyCollection<SettingValue> values, Config config, AgentAssemblyFolders assemblies)
    {
        var key = $"{Path}.{name}";
        if (!ActorPath.IsValidPathElement(name))
        {
            throw new ClusterConfigurationException(key, name, "not a valid actor name (letters, digits and -_.*$+:@&=,!~';).");
        }

        if (values.FirstOrDefault(v => v.Path.Count == 0) is { } itself)
        {
            throw new ClusterConfigurationException(itself.Key, itself.Value, "expected an object with 'type' and optional 'settings'.");
        }

        foreach (var unknown in values.Where(v => !IsKey(v, "type") && !IsKey(v, "settings")))
        {
            throw unknown.Path.Count == 1
                ? new ClusterConfigurationException(unknown.Key, unknown.Value, "unknown key; an agent entry holds 'type' and 'settings'.")
                : new ClusterConfigurationException($"{key}.{unknown.Path[0]}", null, "unknown key; an agent entry holds 'type' and 'settings'.");
        }

        var typeValue = values.FirstOrDefault(v => IsKey(v, "type") && v.Path.Count == 1);
        if (typeValue is null || string.IsNullOrWhiteSpace(typeValue.Value))
        {
            throw new ClusterConfigurationException($"{key}.type", null, "missing: the agent's actor type, e.g. \"MyRobot.DriveAgent, MyRobot\".");
        }

        var typeKey = typeValue.Key;
        var typeName = typeValue.Value;
        var actorType = TypeNames.Find(typeName)
            ?? throw new ClusterConfigurationException(typeKey, typeName, $"no such type: give its full name and assembly, e.g. \"MyRobot.DriveAgent, MyRobot\"; {assemblies.Describe()}");
        if (!(typeof(ActorBase).IsAssignableFrom(actorType) || typeof(Rpc.RpcAgent).IsAssignableFrom(actorType)) || actorType.IsAbstract)
        {
            throw new ClusterConfigurationException(typeKey, typeName, "not an actor type: an agent must be a concrete subclass of Akka.Actor.ActorBase (ReceiveActor, UntypedActor, ...) or of Cluster.Agents.Rpc.RpcAgent.");
        }

        var constructors = actorType.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length != 1 || constructors[0].GetParameters().Length > 1)
        {
            throw new ClusterConfigurationException(typeKey, typeName, "an agent type needs exactly one public constructor, taking nothing or one settings object.");
        }

        var settingsValues = values.Where(v => IsKey(v, "settings")).ToList();
        var scalarSettings = settingsValues.FirstOrDefault(v => v.Path.Count == 1);
        var parameters = constructors[0].GetParameters();
        if (parameters.Length == 0)
        {
            if (settingsValues.Count > 0)
            {
                throw new ClusterConfigurationException($"{key}.settings", scalarSettings?.Value, $"{actorType.Name} takes no settings.");
            }

            return new AgentSpec(name, actorType, null);
        }

        if (scalarSettings is not null)
        {
            throw new ClusterConfigurationException(scalarSettings.Key, scalarSettings.Value, "expected an object of settings.");
        }

        var settings = SettingsBinder.Bind(
            parameters[0].ParameterType,
            [.. settingsValues.Select(v => v with { Path = v.Path.Skip(1).ToList() })],
            $"{key}.settings",
            config);
        return new AgentSpec(name, actorType, settings);
    }

    private static bool IsKey(SettingValue value, string name) =>
        value.Path.Count > 0 && string.Equals(value.Path[0], name, StringComparison.OrdinalIgnoreCase);
}
