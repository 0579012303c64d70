using Akka.Actor;
using Cluster.Agents.Core.Endpoints;

namespace Cluster.Agents.Paths;

// The actor that owns one path: the registry holds it under the path, and calls reach the path's endpoints through it
// ("call" for an action, "get" and "set" for a property or a state, "observe" for a state's observers).
internal sealed class PathOwnerActor : EndpointActor
{
    private readonly string _path;
    private readonly Action? _stopped;

    public PathOwnerActor(string path, IReadOnlyList<Endpoint> endpoints, Action? stopped)
        : base("path", register: false)
    {
        _path = path;
        _stopped = stopped;
        foreach (var endpoint in endpoints)
        {
            Endpoints.Add(endpoint);
        }
    }

    protected override string OriginName => _path;

    public static Props Props(string path, IReadOnlyList<Endpoint> endpoints, Action? stopped) =>
        Akka.Actor.Props.Create(() => new PathOwnerActor(path, endpoints, stopped));

    protected override void PostStop()
    {
        _stopped?.Invoke();
        base.PostStop();
    }
}
