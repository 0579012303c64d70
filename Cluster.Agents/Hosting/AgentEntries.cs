using Akka.Configuration;
using Akka.Configuration.Hocon;
using Cluster.Agents.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Agents.Hosting;

/// <summary>
/// The configured agents as flat key/value entries, merged from the HOCON <c>cluster-host.agents</c> tree and then
/// any <see cref="IConfiguration"/> of the program (appsettings.json, environment variables), the later winning.
/// </summary>
/// <remarks>
/// Keys match the way IConfiguration matches them, ignoring case, and also ignoring the dashes of kebab-case
/// (<c>max-speed</c> and <c>MaxSpeed</c> are one setting); the two top keys also ignore underscores, so that
/// <c>cluster-host</c>, <c>ClusterHost</c> and the environment's <c>CLUSTER_HOST</c> are one section.
/// </remarks>
internal sealed class AgentEntries
{
    private readonly Dictionary<string, Dictionary<string, SettingValue>> _agents = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _order = [];

    /// <summary>Gets the agents' names, HOCON's first in the order they are listed.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>Gets the values of the agent named <paramref name="name"/>, by normalized path.</summary>
    /// <param name="name">The agent's name.</param>
    /// <returns>The values.</returns>
    public IReadOnlyCollection<SettingValue> ValuesOf(string name) => _agents[name].Values;

    /// <summary>Reads the agents of <paramref name="config"/>, then layers <paramref name="configuration"/> over them.</summary>
    /// <param name="config">The host's HOCON.</param>
    /// <param name="configuration">The program's other configuration, or null.</param>
    /// <returns>The merged entries.</returns>
    /// <exception cref="ClusterConfigurationException"><c>cluster-host.agents</c> is not an object.</exception>
    public static AgentEntries Read(Config config, IConfiguration? configuration)
    {
        var entries = new AgentEntries();
        if (config.HasPath(AgentConfiguration.Path))
        {
            var value = config.GetValue(AgentConfiguration.Path);
            if (!value.IsObject())
            {
                throw new ClusterConfigurationException(AgentConfiguration.Path, value.ToString(), "expected an object with one entry per agent.");
            }

            foreach (var (name, entry) in value.GetObject().Items)
            {
                entries.Agent(name);
                entries.AddHocon(name, entry, [], $"{AgentConfiguration.Path}.{name}");
            }
        }

        foreach (var (key, text) in configuration?.AsEnumerable() ?? [])
        {
            var segments = key.Split(ConfigurationPath.KeyDelimiter);
            if (text is null || segments.Length < 3 ||
                !string.Equals(Loose(segments[0]), "clusterhost", StringComparison.OrdinalIgnoreCase) ||
                !string.Equals(Loose(segments[1]), "agents", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            entries.Add(segments[2], new SettingValue(segments[3..], text, key));
        }

        return entries;
    }

    private Dictionary<string, SettingValue> Agent(string name)
    {
        if (!_agents.TryGetValue(name, out var values))
        {
            values = new Dictionary<string, SettingValue>(StringComparer.OrdinalIgnoreCase);
            _agents[name] = values;
            _order.Add(name);
        }

        return values;
    }

    private void Add(string name, SettingValue value)
    {
        var values = Agent(name);
        var path = string.Join(ConfigurationPath.KeyDelimiter, value.Path.Select(segment => segment.Replace("-", string.Empty, StringComparison.Ordinal)));

        // A value replaces the whole subtree it overrides, as a later layer would in HOCON.
        foreach (var covered in values.Keys.Where(k => k.StartsWith(path + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase) || path.StartsWith(k + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            values.Remove(covered);
        }

        values[path] = value;
    }

    private void AddHocon(string name, HoconValue value, List<string> path, string key)
    {
        if (value.IsObject())
        {
            foreach (var (child, item) in value.GetObject().Items)
            {
                AddHocon(name, item, [.. path, child], $"{key}.{child}");
            }
        }
        else if (value.IsArray())
        {
            var items = value.GetArray();
            for (var i = 0; i < items.Count; i++)
            {
                AddHocon(name, items[i], [.. path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)], $"{key}.{i}");
            }
        }
        else
        {
            Add(name, new SettingValue(path, value.GetString() ?? string.Empty, key));
        }
    }

    private static string Loose(string segment) => segment.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
}
