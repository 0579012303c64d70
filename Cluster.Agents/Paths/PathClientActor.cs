using Akka.Actor;

namespace Cluster.Agents.Paths;

// A client's actor: the parent of its paths' owners, observers and listeners. It stops, and they with it, when the
// client is disposed or the actor the client belongs to stops; the registry then drops the client's paths.
internal sealed class PathClientActor : ReceiveActor
{
    public PathClientActor(IActorRef? owner)
    {
        if (owner is not null)
        {
            Context.Watch(owner);
        }

        Receive<Spawn>(spawn => Sender.Tell(spawn.Name is null ? Context.ActorOf(spawn.Props) : Context.ActorOf(spawn.Props, spawn.Name)));
        Receive<Terminated>(_ => Context.Stop(Self));
    }

    public static Props Props(IActorRef? owner) => Akka.Actor.Props.Create(() => new PathClientActor(owner));

    public sealed record Spawn(Props Props, string? Name);
}
