using Akka.Actor;
using Akka.Event;
using Cluster.Agents.Core.Calls;
using Cluster.Contracts.Calls;
using Cluster.Contracts.Rpc;

namespace Cluster.Agents.Rpc;

/// <summary>
/// The actor that hosts one agent: it runs each <see cref="AgentCall"/> on the agent, one at a time, and
/// runs the agent's <see cref="RpcAgent.RunAsync"/> for its lifetime.
/// </summary>
internal sealed class AgentHost : UntypedActor
{
    private readonly RpcAgent _agent;
    private readonly AgentContainer _container;
    private Dictionary<string, ExposedMember[]>? _paths;
    private CancellationTokenSource? _lifetime;

    // The agent is looked up by this actor's name, so one Props serves every agent of the container:
    // spawning many agents allocates no Props, producer or closure each.
    public AgentHost(AgentContainer container)
    {
        _container = container;
        _agent = container.Hosting(Self.Path.Name);
    }

    // Built on use only: a quiet agent keeps no copy of its address string.
    private string Origin => _agent.Address.ToString();

    /// <summary>Unwraps what a proxy or an agent sends or returns: agent references travel as their address.</summary>
    public static object? ToWire(object? value) => value switch
    {
        IAgentReference reference => reference.Address,
        _ => value,
    };

    protected override void PreStart()
    {
        if (!IsOverridden(_agent.GetType()))
        {
            return;
        }

        _lifetime = new CancellationTokenSource();
        var token = _lifetime.Token;
        var agent = _agent;
        var log = Context.GetLogger();
        var origin = Origin;
        Task.Run(() => agent.RunLifetimeAsync(token), token).ContinueWith(
            run => log.Error(run.Exception!.GetBaseException(), "{0}: its RunAsync failed: {1}", origin, run.Exception!.GetBaseException().Message),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    protected override void PostStop()
    {
        _lifetime?.Cancel();
        _lifetime?.Dispose();
        _container.Forget(_agent.Address.Id, Self);
    }

    protected override void OnReceive(object message)
    {
        if (message is CallRequest request)
        {
            Handle(request);
        }
        else
        {
            Unhandled(message);
        }
    }

    private static bool IsOverridden(Type type) =>
        type.GetMethod("RunAsync", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)?.DeclaringType != typeof(RpcAgent);

    private void Handle(CallRequest request)
    {
        var call = CallResponder.Accept(Context, request, Origin);
        if (call.RefuseIfUnreadable())
        {
            return;
        }

        ExposedMethod method;
        object? result;
        try
        {
            if (call.Payload is not AgentCall agentCall)
            {
                throw new NotSupportedException($"An agent answers AgentCall requests, not {call.Payload.GetType().FullName}.");
            }

            var (target, found) = Resolve(agentCall.Path);
            method = found;
            result = method.Invoke(target, method.Prepare(agentCall.Args, _container.Materialise));
        }
        catch (Exception e)
        {
            call.Fail(e);
            return;
        }

        if (result is not Task task)
        {
            call.Reply(ToWire(result));
            return;
        }

        if (task.IsCompletedSuccessfully)
        {
            call.Reply(ToWire(method.ResultOf(task)));
            return;
        }

        // Suspends the mailbox until the member completes, so calls still run one at a time.
        RunTask(async () =>
        {
            try
            {
                await task.ConfigureAwait(true);
                call.Reply(ToWire(method.ResultOf(task)));
            }
            catch (Exception e)
            {
                call.Fail(e);
            }
        });
    }

    private (object Target, ExposedMethod Method) Resolve(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new AgentLookupException(
                $"A call to {Origin} needs a member name: the path is empty (e.g. \"cook\", or \"eggs/cook\" for a nested router).");
        }

        _paths ??= new Dictionary<string, ExposedMember[]>(StringComparer.Ordinal);
        if (!_paths.TryGetValue(path, out var chain))
        {
            chain = Walk(path);
            _paths[path] = chain;
        }

        object current = _agent;
        for (var i = 0; i < chain.Length - 1; i++)
        {
            current = ((ExposedRouter)chain[i]).Get(current)
                ?? throw new AgentLookupException($"\"{string.Join('/', path.Split('/')[..(i + 1)])}\" is an exposed router, but {chain[i].FullName} is null");
        }

        var method = (ExposedMethod)chain[^1];
        if (!method.DeclaringType.IsInstanceOfType(current))
        {
            // A router's value changed type since the path was first resolved.
            _paths?.Remove(path);
            return Resolve(path);
        }

        return (current, method);
    }

    private ExposedMember[] Walk(string path)
    {
        var segments = path.Split('/');
        var chain = new ExposedMember[segments.Length];
        object? current = _agent;
        for (var i = 0; i < segments.Length; i++)
        {
            var parent = string.Join('/', segments[..i]);
            if (segments[i].Length == 0)
            {
                throw new AgentLookupException($"The path \"{path}\" has an empty segment after \"{parent}\".");
            }

            if (current is null)
            {
                throw new AgentLookupException($"\"{parent}\" is an exposed router, but {chain[i - 1].FullName} is null");
            }

            var member = ExposedType.Of(current.GetType()).Find(segments[i], parent);
            chain[i] = member;
            var last = i == segments.Length - 1;
            switch (member)
            {
                case ExposedRouter router when !last:
                    current = router.Get(current);
                    break;
                case ExposedRouter router:
                    throw new AgentLookupException($"\"{path}\" is a router ({router.FullName}), not a method: call one of its members, e.g. \"{path}/...\"");
                case ExposedMethod when !last:
                    throw new AgentLookupException($"Name \"{segments[i + 1]}\" not found in \"{string.Join('/', segments[..(i + 1)])}\"");
            }
        }

        return chain;
    }
}
