using System.Collections.Immutable;
using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Hosting;

/// <summary>
/// Reads the agents a host spawns from its configuration, checking every one before anything starts.
/// </summary>
/// <remarks>
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
/// A type deriving from <see cref="Rpc.RpcAgent"/> is spawned into the node's <see cref="Rpc.AgentContainer"/>
/// under its entry's name (its address ends with <c>/name</c>, and the name is registered cluster-wide);
/// any other type is an actor spawned under <c>/user/name</c>.
/// The type has one public constructor, taking nothing or a settings object; see
/// <see cref="SettingsBinder"/> for how <c>settings</c> is bound to that object. Settings that implement
/// <see cref="IValidatedSettings"/> are checked as they are read.
/// </remarks>
public static class AgentConfiguration
{
    /// <summary>The HOCON path of the agent list.</summary>
    public const string Path = ClusterHocon.AgentsPath;

    /// <summary>Reads and checks every agent listed under <see cref="Path"/>.</summary>
    /// <param name="config">The host's configuration.</param>
    /// <returns>The agents, in the order they are listed.</returns>
    /// <exception cref="ClusterConfigurationException">An entry is wrong; the message names its key and value.</exception>
    public static ImmutableArray<AgentSpec> Read(Config config)
    {
        if (!config.HasPath(Path))
        {
            return [];
        }

        var value = config.GetValue(Path);
        if (!value.IsObject())
        {
            throw new ClusterConfigurationException(Path, value.ToString(), "expected an object with one entry per agent.");
        }

        return [.. value.GetObject().Items.Select(item => ReadAgent(item.Key, item.Value, config))];
    }

    private static AgentSpec ReadAgent(string name, Akka.Configuration.Hocon.HoconValue entry, Config config)
    {
        var key = $"{Path}.{name}";
        if (!ActorPath.IsValidPathElement(name))
        {
            throw new ClusterConfigurationException(key, name, "not a valid actor name (letters, digits and -_.*$+:@&=,!~';).");
        }

        if (!entry.IsObject())
        {
            throw new ClusterConfigurationException(key, entry.ToString(), "expected an object with 'type' and optional 'settings'.");
        }

        var items = entry.GetObject().Items;
        foreach (var unknown in items.Keys.Where(k => k is not ("type" or "settings")))
        {
            throw new ClusterConfigurationException($"{key}.{unknown}", items[unknown].ToString(), "unknown key; an agent entry holds 'type' and 'settings'.");
        }

        if (!items.TryGetValue("type", out var typeValue) || !typeValue.IsString() || string.IsNullOrWhiteSpace(typeValue.GetString()))
        {
            throw new ClusterConfigurationException($"{key}.type", null, "missing: the agent's actor type, e.g. \"MyRobot.DriveAgent, MyRobot\".");
        }

        var typeName = typeValue.GetString();
        var actorType = FindType(typeName)
            ?? throw new ClusterConfigurationException($"{key}.type", typeName, "no such type: give its full name and assembly, e.g. \"MyRobot.DriveAgent, MyRobot\".");
        if (!(typeof(ActorBase).IsAssignableFrom(actorType) || typeof(Rpc.RpcAgent).IsAssignableFrom(actorType)) || actorType.IsAbstract)
        {
            throw new ClusterConfigurationException($"{key}.type", typeName, "not an actor type: an agent must be a concrete subclass of Akka.Actor.ActorBase (ReceiveActor, UntypedActor, ...) or of Cluster.Agents.Rpc.RpcAgent.");
        }

        var constructors = actorType.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length != 1 || constructors[0].GetParameters().Length > 1)
        {
            throw new ClusterConfigurationException($"{key}.type", typeName, "an agent type needs exactly one public constructor, taking nothing or one settings object.");
        }

        items.TryGetValue("settings", out var settingsValue);
        var parameters = constructors[0].GetParameters();
        if (parameters.Length == 0)
        {
            if (settingsValue is not null && !(settingsValue.IsObject() && settingsValue.GetObject().Items.Count == 0))
            {
                throw new ClusterConfigurationException($"{key}.settings", settingsValue.ToString(), $"{actorType.Name} takes no settings.");
            }

            return new AgentSpec(name, actorType, null);
        }

        var settings = SettingsBinder.Bind(parameters[0].ParameterType, settingsValue, $"{key}.settings");
        (settings as IValidatedSettings)?.Validate($"{key}.settings", config);
        return new AgentSpec(name, actorType, settings);
    }

    private static Type? FindType(string typeName)
    {
        try
        {
            var type = Type.GetType(typeName, throwOnError: false);
            if (type is not null)
            {
                return type;
            }
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException or BadImageFormatException)
        {
            return null;
        }

        // A name without its assembly is looked up among the loaded assemblies.
        return AppDomain.CurrentDomain.GetAssemblies()
            .Select(assembly => assembly.GetType(typeName, throwOnError: false))
            .FirstOrDefault(type => type is not null);
    }
}
