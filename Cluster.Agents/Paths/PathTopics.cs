namespace Cluster.Agents.Paths;

// States and events travel on the topic bus, each path on a topic of its own.
internal static class PathTopics
{
    public static string State(string path) => "paths/state" + path;

    public static string Event(string path) => "paths/event" + path;
}
