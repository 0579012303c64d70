using Akka.Configuration;

namespace Cluster.Agents.Core.Configuration;

/// <summary>
/// The HOCON files of the <c>hocon/</c> folder, embedded in the core so that every program, test
/// and benchmark runs on exactly the same settings.
/// </summary>
public static class ClusterHocon
{
    /// <summary>The HOCON path of the agents a host spawns at start, one entry per agent.</summary>
    public const string AgentsPath = "cluster-host.agents";

    /// <summary>Gets the base settings every node uses: remoting, cluster, split brain resolver, pub-sub, serializers.</summary>
    public static Config Base { get; } = Load("base.conf");

    /// <summary>Gets the Lighthouse's settings over the base.</summary>
    public static Config Lighthouse { get; } = Load("lighthouse.conf").WithFallback(Base);

    /// <summary>Gets a host's settings over the base.</summary>
    public static Config Host { get; } = Load("host.conf").WithFallback(Base);

    /// <summary>Reads one of the embedded HOCON files.</summary>
    /// <param name="fileName">The file's name in <c>hocon/</c>, e.g. <c>base.conf</c>.</param>
    /// <returns>The parsed configuration.</returns>
    /// <exception cref="FileNotFoundException">No such file is embedded.</exception>
    public static Config Load(string fileName) => LoadResource(typeof(ClusterHocon).Assembly, "hocon/" + fileName);

    /// <summary>Reads a HOCON resource embedded in <paramref name="assembly"/>, such as a feature's defaults.</summary>
    /// <param name="assembly">The assembly that embeds it.</param>
    /// <param name="logicalName">The resource's logical name, e.g. <c>Cluster.Agents.Core.Topics.topics.conf</c>.</param>
    /// <returns>The parsed configuration.</returns>
    /// <exception cref="FileNotFoundException">No such resource is embedded.</exception>
    public static Config LoadResource(System.Reflection.Assembly assembly, string logicalName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var stream = assembly.GetManifestResourceStream(logicalName)
            ?? throw new FileNotFoundException($"{logicalName} is not embedded in {assembly.GetName().Name}.", logicalName);
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>Reads a HOCON file from disk, naming the file in any error.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The parsed configuration.</returns>
    /// <exception cref="ClusterConfigurationException">The file is missing or is not valid HOCON; a syntax error names its line and column.</exception>
    public static Config LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ClusterConfigurationException("--config", path, "no such file.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterConfigurationException("--config", path, $"cannot be read: {e.Message}", e);
        }

        HoconSyntax.Check(text, path);
        var config = Parse(text, path, ParseLimit);
        HoconSubstitutions.Check(config.Root, path);
        return config;
    }

    /// <summary>How long Akka's HOCON reader may take over one file before the file is refused.</summary>
    internal static readonly TimeSpan ParseLimit = TimeSpan.FromSeconds(10);

    // Akka's reader loops forever on some malformed texts. HoconSyntax refuses every shape known to do that, and this
    // bound makes any shape not yet known a clear error naming the file instead of a node that never starts. The
    // reader's thread cannot be stopped; it is a background thread, so it does not keep the process alive.
    internal static Config Parse(string text, string path, TimeSpan limit)
    {
        Config? config = null;
        Exception? error = null;
        var reader = new Thread(
            () =>
            {
                try
                {
                    config = ConfigurationFactory.ParseString(text);
                }
                catch (Exception e)
                {
                    error = e;
                }
            },
            maxStackSize: 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "hocon-reader",
        };
        reader.Start();
        if (!reader.Join(limit))
        {
            throw new ClusterConfigurationException(
                "--config",
                path,
                $"Akka's HOCON reader did not finish reading it within {limit.TotalSeconds:0.###} s; it loops on some malformed texts. Check the file's last edits for an unclosed string, bracket or substitution.");
        }

        return error is null ? config! : throw new ClusterConfigurationException("--config", path, $"not valid HOCON: {error.Message}", error);
    }
}
