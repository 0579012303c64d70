using Akka.Actor;
using Cluster.Agents.Core.Endpoints;

namespace Cluster.Agents.Rpc;

/// <summary>
/// The actor that hosts one agent: its exposed members are its endpoints, run one call at a time by the core's
/// dispatcher, and it runs the agent's <see cref="RpcAgent.RunAsync"/> for its lifetime. A named agent registers its
/// name like every other named actor; an agent with a numeric id does not.
/// </summary>
internal sealed class AgentHost : EndpointActor
{
    private readonly RpcAgent _agent;
    private readonly AgentContainer _container;
    private string? _origin;

    // The agent is looked up by this actor's name, so one Props serves every agent of the container:
    // spawning many agents allocates no Props, producer or closure each.
    public AgentHost(AgentContainer container)
        : base(AgentContainer.RegistryKind, register: !AgentContainer.IsNumericId(Context.Self.Path.Name))
    {
        _container = container;
        _agent = container.Hosting(Self.Path.Name);
    }

    // Built on use only: a quiet agent keeps no copy of its address string.
    protected override string OriginName => _origin ??= _agent.Address.ToString();

    protected override EndpointTable Endpoints => ExposedType.Of(_agent.GetType());

    protected override object? EndpointTarget => _agent;

    /// <summary>Unwraps what a proxy or an agent sends or returns: agent references travel as their address.</summary>
    public static object? Unwrap(object? value) => value is IAgentReference reference ? reference.Address : value;

    protected override object? ToWire(object? value) => Unwrap(value);

    // An agent address given where the parameter is a contract interface (or a dynamic proxy) arrives as a proxy to it.
    protected override object? ConvertArgument(object value, Type type) =>
        value is AgentAddress address && (type.IsInterface || type == typeof(AgentProxy)) ? _container.Materialise(type, address) : null;

    protected override void OnStarted()
    {
        if (IsOverridden(_agent.GetType()))
        {
            var agent = _agent;
            StartBackground(agent.RunLifetimeAsync, "its RunAsync");
        }
    }

    protected override void PostStop()
    {
        base.PostStop();
        _container.Forget(_agent.Address.Id, Self);
    }

    private static bool IsOverridden(Type type) =>
        type.GetMethod("RunAsync", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)?.DeclaringType != typeof(RpcAgent);
}
