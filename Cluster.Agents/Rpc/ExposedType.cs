using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Cluster.Agents.Core.Endpoints;

namespace Cluster.Agents.Rpc;

/// <summary>
/// The endpoints of one agent type: its <see cref="ExposeAttribute">exposed</see> methods as endpoints and its
/// exposed properties as nested routers, found once by reflection and compiled to delegates.
/// </summary>
internal static class ExposedType
{
    private static readonly ConcurrentDictionary<Type, EndpointTable> Cache = new();

    /// <summary>Gets the endpoint table of <paramref name="type"/>, shared by all its instances.</summary>
    /// <exception cref="InvalidOperationException">The exposed members are declared wrongly (two with one name, a generic method).</exception>
    public static EndpointTable Of(Type type) => Cache.GetOrAdd(type, static t => Build(t));

    /// <summary>Gets a method's endpoint name when nothing else names it: its name without an Async suffix.</summary>
    public static string DefaultName(MemberInfo member) =>
        member is MethodInfo && member.Name.Length > 5 && member.Name.EndsWith("Async", StringComparison.Ordinal) ? member.Name[..^5] : member.Name;

    private static EndpointTable Build(Type type)
    {
        var table = new EndpointTable(type.FullName ?? type.Name);
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var member in type.GetMembers(flags))
        {
            var expose = member.GetCustomAttribute<ExposeAttribute>(inherit: true);
            if (expose is null)
            {
                if (member is MethodInfo { IsSpecialName: false } or PropertyInfo or FieldInfo { IsSpecialName: false })
                {
                    table.Hide(DefaultName(member), $"\"{type.FullName}.{member.Name}\" is not exposed");
                    table.Hide(member.Name, $"\"{type.FullName}.{member.Name}\" is not exposed");
                }

                continue;
            }

            var name = expose.Name ?? DefaultName(member);
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{type.FullName}.{member.Name} is exposed as \"{name}\": a name must be non-empty and without '/'.");
            }

            try
            {
                switch (member)
                {
                    case MethodInfo method:
                        table.Add(EndpointOf(type, method, name));
                        break;
                    case PropertyInfo property:
                        table.Add(RouterOf(type, property, expose.Name ?? property.Name));
                        break;
                    default:
                        throw new InvalidOperationException($"[Expose] on {type.FullName}.{member.Name}: only methods and properties can be exposed.");
                }
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException(
                    $"{type.FullName} exposes two members named \"{name}\" (names match ignoring case, '-', '_' and an Async suffix): give one another name with [Expose(\"name\")].", e);
            }
        }

        return table;
    }

    private static EndpointRouter RouterOf(Type owner, PropertyInfo property, string name)
    {
        if (property.GetMethod is null || property.GetIndexParameters().Length > 0)
        {
            throw new InvalidOperationException($"{owner.FullName}.{property.Name} is exposed but is not a readable, non-indexed property.");
        }

        var target = Expression.Parameter(typeof(object));
        var body = Expression.Convert(Expression.Property(Expression.Convert(target, property.DeclaringType!), property), typeof(object));
        var get = Expression.Lambda<Func<object?, object?>>(body, target).Compile();
        return new EndpointRouter(name, get, child => Of(child.GetType()), $"{owner.FullName}.{property.Name}");
    }

    // The compiled delegate returns the method's value, or a Task for an async method (a ValueTask is turned into its Task).
    private static Endpoint EndpointOf(Type owner, MethodInfo method, string name)
    {
        if (method.IsGenericMethodDefinition || method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new InvalidOperationException($"{owner.FullName}.{method.Name} is exposed but is generic or has ref/out parameters: exposed methods take plain values.");
        }

        var parameters = method.GetParameters();
        var target = Expression.Parameter(typeof(object), "target");
        var args = Expression.Parameter(typeof(object[]), "args");
        var call = Expression.Call(
            Expression.Convert(target, method.DeclaringType!),
            method,
            parameters.Select((p, i) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType)));
        var returns = method.ReturnType;
        Expression body;
        if (returns == typeof(void))
        {
            body = Expression.Block(call, Expression.Constant(null, typeof(object)));
        }
        else if (returns == typeof(ValueTask) || (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            body = Expression.Convert(Expression.Call(call, returns.GetMethod(nameof(ValueTask.AsTask))!), typeof(object));
        }
        else
        {
            body = Expression.Convert(call, typeof(object));
        }

        var invoke = Expression.Lambda<Func<object?, object?[], object?>>(body, target, args).Compile();
        return new Endpoint(
            name,
            [.. parameters.Select(p => new EndpointParameter(p.Name ?? $"arg{p.Position + 1}", p.ParameterType, p.HasDefaultValue, p.HasDefaultValue ? p.DefaultValue : null))],
            invoke);
    }
}
