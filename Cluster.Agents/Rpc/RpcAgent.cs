using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Clocks;

namespace Cluster.Agents.Rpc;

/// <summary>
/// The base class of an agent: a plain class whose <see cref="ExposeAttribute">exposed</see> members other
/// agents call through proxies. Spawn it with <see cref="AgentContainer.SpawnAsync{TAgent}"/>; it needs no Akka code.
/// </summary>
/// <remarks>
/// <para>
/// An actor hosts each agent and runs its calls one at a time, in arrival order: an async member holds the
/// next call back until it completes, so exposed members never run concurrently with each other.
/// </para>
/// <para>
/// <see cref="Address"/>, <see cref="Container"/>, <see cref="Clock"/> and <see cref="Log"/> are set once the
/// agent is spawned, after its constructor: use them in members and in <see cref="RunAsync"/>, not in the constructor.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class Chef : RpcAgent
/// {
///     [Expose] public Eggs Eggs { get; } = new();
///     [Expose] public Task&lt;string&gt; GreetAsync(string name) => Task.FromResult($"hello {name}");
/// }
/// </code>
/// </example>
public abstract class RpcAgent : IAgentReference
{
    private AgentAddress? _address;
    private AgentContainer? _container;
    private ILoggingAdapter? _log;

    /// <summary>Gets the agent's address.</summary>
    /// <exception cref="InvalidOperationException">The agent has not been spawned yet.</exception>
    public AgentAddress Address => _address ?? throw NotSpawned();

    /// <summary>Gets the container that holds the agent: spawn and connect to other agents through it.</summary>
    protected AgentContainer Container => _container ?? throw NotSpawned();

    /// <summary>Gets the node's clock (<see cref="NodeClock"/>): sleep and schedule on it, so the agent also runs on simulated time.</summary>
    protected Clock Clock => NodeClock.Get(Container.System).Clock;

    /// <summary>Gets a logger whose lines name the agent (<c>agents/&lt;id&gt;</c>) and its type.</summary>
    protected ILoggingAdapter Log => _log ??= new BusLogging(Container.System.EventStream, $"agents/{Address.Id}", GetType(), Container.System.Settings.LogFormatter);

    /// <summary>
    /// Runs for the agent's lifetime: started once the agent is spawned, cancelled through
    /// <paramref name="cancellationToken"/> when it stops (or its container's node shuts down). Override it
    /// to make the agent proactive; the default does nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the agent stops.</param>
    /// <returns>A task that completes when the work is done.</returns>
    /// <remarks>
    /// It runs on the thread pool, beside the calls (which run one at a time among themselves): guard state that
    /// both touch. An exception other than cancellation is logged; the agent keeps serving calls.
    /// </remarks>
    protected virtual Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal Task RunLifetimeAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);

    internal void Attach(AgentAddress address, AgentContainer container)
    {
        _address = address;
        _container = container;
    }

    private InvalidOperationException NotSpawned() =>
        new($"{GetType().FullName} has not been spawned: its address, container, clock and log are set after its constructor, by AgentContainer.SpawnAsync.");
}
