using System.Collections.Concurrent;
using System.Reflection;

namespace Cluster.Agents.Rpc;

/// <summary>
/// The typed proxy: <see cref="DispatchProxy"/> implements the contract interface, and each method call
/// becomes a call of the agent member of the same name (or the name its <see cref="ExposeAttribute"/> gives).
/// A property whose type is an interface is a nested router: its proxy calls <c>property/member</c>.
/// </summary>
/// <remarks>Public only because <see cref="DispatchProxy"/> derives a class from it; create proxies through <see cref="AgentContainer"/>.</remarks>
public class TypedAgentProxy : DispatchProxy, IAgentReference
{
    private AgentConnection _connection = null!;
    private string _prefix = string.Empty;

    /// <inheritdoc />
    public AgentAddress Address => _connection.Address;

    /// <inheritdoc />
    public override string ToString() => _prefix.Length == 0 ? $"proxy of {Address}" : $"proxy of {Address} at {_prefix.TrimEnd('/')}";

    internal static void CheckContract(Type contract)
    {
        if (!contract.IsInterface)
        {
            throw new ArgumentException($"{contract.FullName} is not an interface: a typed agent proxy implements a contract interface.", nameof(contract));
        }
    }

    internal static object Create(Type contract, AgentConnection connection, string prefix)
    {
        CheckContract(contract);
        var proxy = (TypedAgentProxy)Create(contract, typeof(TypedAgentProxy));
        proxy._connection = connection;
        proxy._prefix = prefix;
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.DeclaringType == typeof(IAgentReference))
        {
            return Address;
        }

        var plan = ProxyMethod.Of(targetMethod);
        return plan.IsRouter
            ? Create(targetMethod.ReturnType, _connection, _prefix + plan.Name + "/")
            : plan.Call(_connection, _prefix.Length == 0 ? plan.Name : _prefix + plan.Name, args);
    }

    /// <summary>How one contract method calls its agent member, worked out once per method.</summary>
    private sealed class ProxyMethod
    {
        private static readonly ConcurrentDictionary<MethodInfo, ProxyMethod> Cache = new();
        private static readonly MethodInfo TaskOfT = typeof(ProxyMethod).GetMethod(nameof(AsTask), BindingFlags.NonPublic | BindingFlags.Static)!;
        private static readonly MethodInfo ValueTaskOfT = typeof(ProxyMethod).GetMethod(nameof(AsValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;
        private static readonly MethodInfo SyncOfT = typeof(ProxyMethod).GetMethod(nameof(AsValue), BindingFlags.NonPublic | BindingFlags.Static)!;

        private ProxyMethod(MethodInfo method)
        {
            var property = method.IsSpecialName && method.Name.StartsWith("get_", StringComparison.Ordinal)
                ? method.DeclaringType!.GetProperty(method.Name[4..])
                : null;
            if (property is not null && property.PropertyType.IsInterface)
            {
                IsRouter = true;
                Name = property.GetCustomAttribute<ExposeAttribute>()?.Name ?? property.Name;
                Call = (_, _, _) => null;
                return;
            }

            Name = method.GetCustomAttribute<ExposeAttribute>()?.Name ?? ExposedType.DefaultName(method);
            var returns = method.ReturnType;
            var generic = returns.IsGenericType ? returns.GetGenericTypeDefinition() : null;
            if (returns == typeof(Task))
            {
                Call = (c, path, args) => c.CallAsync(path, args, c.Container.CallDeadline);
            }
            else if (returns == typeof(ValueTask))
            {
                Call = (c, path, args) => new ValueTask(c.CallAsync(path, args, c.Container.CallDeadline));
            }
            else if (returns == typeof(void))
            {
                Call = (c, path, args) =>
                {
                    c.CallAsync(path, args, c.Container.CallDeadline).GetAwaiter().GetResult();
                    return null;
                };
            }
            else if (generic == typeof(Task<>))
            {
                Call = TaskOfT.MakeGenericMethod(returns.GetGenericArguments()[0]).CreateDelegate<Func<AgentConnection, string, object?[]?, object?>>();
            }
            else if (generic == typeof(ValueTask<>))
            {
                Call = ValueTaskOfT.MakeGenericMethod(returns.GetGenericArguments()[0]).CreateDelegate<Func<AgentConnection, string, object?[]?, object?>>();
            }
            else
            {
                Call = SyncOfT.MakeGenericMethod(returns).CreateDelegate<Func<AgentConnection, string, object?[]?, object?>>();
            }
        }

        public string Name { get; }

        public bool IsRouter { get; }

        public Func<AgentConnection, string, object?[]?, object?> Call { get; }

        public static ProxyMethod Of(MethodInfo method) => Cache.GetOrAdd(method, static m => new ProxyMethod(m));

        private static object? AsTask<T>(AgentConnection connection, string path, object?[]? args) => CallAsync<T>(connection, path, args);

        private static object? AsValueTask<T>(AgentConnection connection, string path, object?[]? args) => new ValueTask<T>(CallAsync<T>(connection, path, args));

        // A sync contract method blocks its caller for the remote call's length; prefer Task-returning contracts.
        private static object? AsValue<T>(AgentConnection connection, string path, object?[]? args) => CallAsync<T>(connection, path, args).GetAwaiter().GetResult();

        private static async Task<T> CallAsync<T>(AgentConnection connection, string path, object?[]? args) =>
            connection.Expect<T>(await connection.CallAsync(path, args, connection.Container.CallDeadline).ConfigureAwait(false), path);
    }
}
