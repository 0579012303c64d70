using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace Cluster.Agents.Rpc;

/// <summary>The exposed members of one type, found once by reflection and compiled to delegates.</summary>
internal sealed class ExposedType
{
    private static readonly ConcurrentDictionary<Type, ExposedType> Cache = new();
    private readonly Dictionary<string, ExposedMember> _exposed;
    private readonly Dictionary<string, string> _hidden;

    private ExposedType(Type type)
    {
        Type = type;
        _exposed = new Dictionary<string, ExposedMember>(StringComparer.Ordinal);
        _hidden = new Dictionary<string, string>(StringComparer.Ordinal);
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var member in type.GetMembers(flags))
        {
            var expose = member.GetCustomAttribute<ExposeAttribute>(inherit: true);
            if (expose is null)
            {
                if (member is MethodInfo { IsSpecialName: false } or PropertyInfo or FieldInfo { IsSpecialName: false })
                {
                    _hidden.TryAdd(Normalize(DefaultName(member)), member.Name);
                    _hidden.TryAdd(Normalize(member.Name), member.Name);
                }

                continue;
            }

            ExposedMember exposed = member switch
            {
                MethodInfo method => new ExposedMethod(type, method, expose.Name ?? DefaultName(method)),
                PropertyInfo property => new ExposedRouter(type, property, expose.Name ?? property.Name),
                _ => throw new InvalidOperationException($"[Expose] on {type.FullName}.{member.Name}: only methods and properties can be exposed."),
            };
            if (exposed.Name.Length == 0 || exposed.Name.Contains('/', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{type.FullName}.{member.Name} is exposed as \"{exposed.Name}\": a name must be non-empty and without '/'.");
            }

            if (!_exposed.TryAdd(Normalize(exposed.Name), exposed))
            {
                throw new InvalidOperationException(
                    $"{type.FullName} exposes two members named \"{exposed.Name}\" (names match ignoring case, '-', '_' and an Async suffix): give one another name with [Expose(\"name\")].");
            }
        }
    }

    public Type Type { get; }

    public static ExposedType Of(Type type) => Cache.GetOrAdd(type, static t => new ExposedType(t));

    /// <summary>Gets a method's path segment when nothing else names it: its name without an Async suffix.</summary>
    public static string DefaultName(MemberInfo member) =>
        member is MethodInfo && member.Name.Length > 5 && member.Name.EndsWith("Async", StringComparison.Ordinal) ? member.Name[..^5] : member.Name;

    public static string Normalize(string name)
    {
        var normal = new System.Text.StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('-' or '_'))
            {
                normal.Append(char.ToLowerInvariant(c));
            }
        }

        return normal.ToString();
    }

    /// <summary>Finds the exposed member a path segment names, or throws the error a caller sees.</summary>
    public ExposedMember Find(string segment, string parentPath)
    {
        var key = Normalize(segment);
        if (_exposed.TryGetValue(key, out var member))
        {
            return member;
        }

        if (_hidden.TryGetValue(key, out var hidden))
        {
            throw new AgentLookupException($"\"{Type.FullName}.{hidden}\" is not exposed");
        }

        throw new AgentLookupException($"Name \"{segment}\" not found in \"{parentPath}\"");
    }
}

/// <summary>An exposed member: a method or a nested router.</summary>
internal abstract class ExposedMember(Type owner, string memberName, string name)
{
    public string Name { get; } = name;

    public string FullName { get; } = $"{owner.FullName}.{memberName}";
}

/// <summary>An exposed property whose value is a child object with exposed members.</summary>
internal sealed class ExposedRouter : ExposedMember
{
    private readonly Func<object, object?> _get;

    public ExposedRouter(Type owner, PropertyInfo property, string name)
        : base(owner, property.Name, name)
    {
        if (property.GetMethod is null || property.GetIndexParameters().Length > 0)
        {
            throw new InvalidOperationException($"{owner.FullName}.{property.Name} is exposed but is not a readable, non-indexed property.");
        }

        var target = Expression.Parameter(typeof(object));
        var body = Expression.Convert(Expression.Property(Expression.Convert(target, property.DeclaringType!), property), typeof(object));
        _get = Expression.Lambda<Func<object, object?>>(body, target).Compile();
    }

    public object? Get(object target) => _get(target);
}

/// <summary>An exposed method, compiled to a delegate; its result is either a value or a task.</summary>
internal sealed class ExposedMethod : ExposedMember
{
    private static readonly MethodInfo ReadResultMethod = typeof(ExposedMethod).GetMethod(nameof(ReadResult), BindingFlags.NonPublic | BindingFlags.Static)!;
    private readonly Func<object, object?[], object?> _invoke;
    private readonly Func<Task, object?>? _result;
    private readonly ParameterInfo[] _parameters;
    private readonly int _required;

    public ExposedMethod(Type owner, MethodInfo method, string name)
        : base(owner, method.Name, name)
    {
        if (method.IsGenericMethodDefinition || method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new InvalidOperationException($"{owner.FullName}.{method.Name} is exposed but is generic or has ref/out parameters: exposed methods take plain values.");
        }

        DeclaringType = method.DeclaringType!;
        _parameters = method.GetParameters();
        _required = _parameters.Count(p => !p.HasDefaultValue);
        var target = Expression.Parameter(typeof(object), "target");
        var args = Expression.Parameter(typeof(object[]), "args");
        var call = Expression.Call(
            Expression.Convert(target, DeclaringType),
            method,
            _parameters.Select((p, i) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType)));
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

        _invoke = Expression.Lambda<Func<object, object?[], object?>>(body, target, args).Compile();
        var resultType = returns.IsGenericType && (returns.GetGenericTypeDefinition() == typeof(Task<>) || returns.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? returns.GetGenericArguments()[0]
            : null;
        if (resultType is not null)
        {
            _result = ReadResultMethod.MakeGenericMethod(resultType).CreateDelegate<Func<Task, object?>>();
        }
    }

    public Type DeclaringType { get; }

    /// <summary>Runs the method; the result is its value, or a <see cref="Task"/> for an async method.</summary>
    public object? Invoke(object target, object?[] args) => _invoke(target, args);

    /// <summary>Gets the value of a completed task this method returned.</summary>
    public object? ResultOf(Task task) => _result?.Invoke(task);

    /// <summary>Checks the arguments against the parameters and converts what can be converted; throws an error naming the method otherwise.</summary>
    public object?[] Prepare(object?[]? args, Func<Type, AgentAddress, object>? materialise)
    {
        args ??= [];
        if (args.Length > _parameters.Length || args.Length < _required)
        {
            var expected = _required == _parameters.Length
                ? _parameters.Length.ToString(CultureInfo.InvariantCulture)
                : $"{_required} to {_parameters.Length}";
            throw new ArgumentException(
                $"\"{FullName}\" takes {expected} argument(s) ({string.Join(", ", _parameters.Select(p => $"{p.ParameterType.Name} {p.Name}"))}), got {args.Length}.");
        }

        var prepared = args;
        if (args.Length < _parameters.Length)
        {
            prepared = new object?[_parameters.Length];
            Array.Copy(args, prepared, args.Length);
            for (var i = args.Length; i < _parameters.Length; i++)
            {
                prepared[i] = _parameters[i].DefaultValue;
            }
        }

        for (var i = 0; i < args.Length; i++)
        {
            var parameter = _parameters[i].ParameterType;
            var value = args[i];
            if (value is null ? !parameter.IsValueType || Nullable.GetUnderlyingType(parameter) is not null : parameter.IsInstanceOfType(value))
            {
                continue;
            }

            var converted = Convert(value, parameter, materialise)
                ?? throw new ArgumentException(
                    $"Argument {i + 1} ('{_parameters[i].Name}') of \"{FullName}\" must be {parameter.FullName}; got {value?.GetType().FullName ?? "null"}.");
            if (ReferenceEquals(prepared, args))
            {
                prepared = (object?[])args.Clone();
            }

            prepared[i] = converted;
        }

        return prepared;
    }

    private static object? Convert(object? value, Type parameter, Func<Type, AgentAddress, object>? materialise)
    {
        if (value is null)
        {
            return null;
        }

        if (value is AgentAddress address && materialise is not null && (parameter.IsInterface || parameter == typeof(AgentProxy)))
        {
            return materialise(parameter, address);
        }

        var target = Nullable.GetUnderlyingType(parameter) ?? parameter;
        if (value is IConvertible && (target.IsPrimitive || target == typeof(decimal)))
        {
            try
            {
                return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
            {
                return null;
            }
        }

        return null;
    }

    private static object? ReadResult<T>(Task task) => ((Task<T>)task).Result;
}
