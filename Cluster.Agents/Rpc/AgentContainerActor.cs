using Akka.Actor;
using Cluster.Agents.Core.Endpoints;

namespace Cluster.Agents.Rpc;

/// <summary>The node's container actor (<c>/user/agents</c>): the parent of every agent's host actor.</summary>
internal sealed class AgentContainerActor : UntypedActor
{
    public const string Name = "agents";

    private readonly AgentContainer _container;
    private readonly Props _hostProps;

    public AgentContainerActor(AgentContainer container)
    {
        _container = container;
        // A producer creates each host directly; an expression's props would build every one through reflection.
        _hostProps = Props.CreateBy(new HostProducer(container));
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Spawn spawn:
                OnSpawn(spawn);
                break;
            case StopAgent stop:
                if (Context.Child(stop.Id) is { } child && !child.IsNobody())
                {
                    Context.Stop(child);
                }

                stop.Done.TrySetResult();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnSpawn(Spawn spawn)
    {
        if (!Context.Child(spawn.Agent.Address.Id).IsNobody())
        {
            spawn.Done.TrySetException(new InvalidOperationException(
                $"An agent with id '{spawn.Agent.Address.Id}' already runs in container {spawn.Agent.Address.Container}."));
            return;
        }

        try
        {
            _container.Remember(spawn.Agent, ActorRefs.Nobody);
            var host = Context.ActorOf(_hostProps, spawn.Agent.Address.Id);
            _container.Remember(spawn.Agent, host);
            // Asked at once, so a name that cannot be registered is the spawn's exception, not a stop seen later.
            spawn.Started?.TrySetResult(NamedActors.AwaitStartedAsync(Context.System, host));
            spawn.Done.TrySetResult(host);
        }
        catch (Exception e)
        {
            spawn.Done.TrySetException(e);
        }
    }

    /// <summary>Creates the host actor of an agent that is already constructed.</summary>
    /// <param name="Agent">The agent, constructed.</param>
    /// <param name="Done">Completes with the host actor once it is created.</param>
    /// <param name="Started">For a named agent: completes with the task that completes once the host has registered and started.</param>
    public sealed record Spawn(RpcAgent Agent, TaskCompletionSource<IActorRef> Done, TaskCompletionSource<Task>? Started = null);

    /// <summary>Stops an agent.</summary>
    public sealed record StopAgent(string Id, TaskCompletionSource Done);

    private sealed class HostProducer(AgentContainer container) : IIndirectActorProducer
    {
        public Type ActorType => typeof(AgentHost);

        public ActorBase Produce() => new AgentHost(container);

        public void Release(ActorBase actor)
        {
        }
    }
}
