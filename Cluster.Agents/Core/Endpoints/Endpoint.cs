using System.Collections.Concurrent;
using System.Reflection;
using Cluster.Agents.Core.Calls;

namespace Cluster.Agents.Core.Endpoints;

/// <summary>
/// One endpoint of a named actor: a name, typed parameters and a handler. The actor's <see cref="EndpointActor"/>
/// base finds it by name, converts the call's arguments to the parameters' types (<see cref="ValueConversion"/>),
/// runs the handler, and answers with its value, the value its task completes with, or the stream it yields.
/// </summary>
/// <remarks>
/// Every face declares its endpoints through this type: a device's <c>OnRequest</c> and <c>OnSend</c>, an agent's
/// <c>[Expose]</c> members. A handler returns a value (null for none), a <see cref="Task"/> or <see cref="Task{TResult}"/>
/// (the actor waits for it before its next message), or an <see cref="IAsyncEnumerable{T}"/> whose items stream back to
/// the caller (a command's replies). A handler that throws fails the call with the exception; the actor keeps serving.
/// </remarks>
public sealed class Endpoint
{
    private static readonly ConcurrentDictionary<Type, Func<Task, object?>?> TaskResults = new();
    private static readonly ConcurrentDictionary<Type, Func<object, IAsyncEnumerable<object?>>?> Streams = new();
    private static readonly MethodInfo ReadResultMethod = typeof(Endpoint).GetMethod(nameof(ReadResult), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo BoxStreamMethod = typeof(Endpoint).GetMethod(nameof(BoxStream), BindingFlags.NonPublic | BindingFlags.Static)!;
    private readonly Func<object?, object?[], object?> _invoke;
    private readonly EndpointParameter[] _parameters;
    private readonly int _required;

    /// <summary>Declares an endpoint whose arguments are checked against <paramref name="parameters"/> and converted to their types.</summary>
    /// <param name="name">The endpoint's name (see <see cref="EndpointNames"/>).</param>
    /// <param name="parameters">Its parameters, in order; optional ones last.</param>
    /// <param name="invoke">Runs the handler on the target object (null for an actor's own closures) with the converted arguments.</param>
    /// <exception cref="ArgumentException">The name is not valid, or a required parameter follows an optional one.</exception>
    public Endpoint(string name, IReadOnlyList<EndpointParameter> parameters, Func<object?, object?[], object?> invoke)
        : this(name, parameters, invoke, variadic: false)
    {
    }

    private Endpoint(string name, IReadOnlyList<EndpointParameter> parameters, Func<object?, object?[], object?> invoke, bool variadic)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        EndpointNames.Check(name, "an endpoint");
        Name = name;
        _invoke = invoke ?? throw new ArgumentNullException(nameof(invoke));
        _parameters = [.. parameters];
        _required = _parameters.TakeWhile(p => !p.IsOptional).Count();
        if (_parameters.Skip(_required).Any(p => !p.IsOptional))
        {
            throw new ArgumentException($"Endpoint '{name}': a required parameter cannot follow an optional one.", nameof(parameters));
        }

        IsVariadic = variadic;
    }

    /// <summary>Gets the endpoint's name.</summary>
    public string Name { get; }

    /// <summary>Gets the endpoint's parameters, in order; empty for a variadic endpoint.</summary>
    public IReadOnlyList<EndpointParameter> Parameters => _parameters;

    /// <summary>Gets a value indicating whether the handler takes the arguments as they arrived, any number of them, unconverted.</summary>
    public bool IsVariadic { get; }

    /// <summary>
    /// Gets a value indicating whether a stream the handler returns is sent without holding the actor, so the actor takes
    /// its next message while the stream runs (commands that run side by side and can be cancelled while they run).
    /// </summary>
    /// <value>The default is false: the actor waits for the stream's end before its next message.</value>
    /// <remarks>The handler itself still runs on the actor; so does the reading of the values its stream has at hand at
    /// once (up to one batch of them), which then leave in one message; the rest of the reading moves to the thread pool,
    /// so the stream must not touch the actor's unsynchronized state.</remarks>
    public bool StreamsConcurrently { get; init; }

    /// <summary>Declares an endpoint whose handler takes the arguments as they arrived, any number of them.</summary>
    /// <param name="name">The endpoint's name.</param>
    /// <param name="handler">Runs with the arguments.</param>
    /// <returns>The endpoint.</returns>
    public static Endpoint Variadic(string name, Func<object?[], object?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new Endpoint(name, [], (_, args) => handler(args), variadic: true);
    }

    /// <summary>Gets the parameters of <paramref name="handler"/>'s method, for an endpoint declared from a typed delegate.</summary>
    /// <param name="handler">A lambda or method group.</param>
    /// <returns>The parameters, named as in the source (a lambda's parameter names).</returns>
    public static IReadOnlyList<EndpointParameter> ParametersOf(Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return [.. handler.Method.GetParameters().Select(p => new EndpointParameter(string.IsNullOrEmpty(p.Name) ? $"arg{p.Position + 1}" : p.Name, p.ParameterType, p.HasDefaultValue, p.HasDefaultValue ? p.DefaultValue : null))];
    }

    /// <summary>Reads a stream a handler returned, if it returned one.</summary>
    /// <param name="result">What the handler returned.</param>
    /// <returns>The stream's items as objects, or null when <paramref name="result"/> is not an <see cref="IAsyncEnumerable{T}"/>.</returns>
    internal static IAsyncEnumerable<object?>? AsStream(object? result)
    {
        if (result is null or string or Task)
        {
            return null;
        }

        if (result is IAsyncEnumerable<object?> objects)
        {
            return objects;
        }

        var box = Streams.GetOrAdd(result.GetType(), static type =>
        {
            var item = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))?.GetGenericArguments()[0];
            return item is null ? null : BoxStreamMethod.MakeGenericMethod(item).CreateDelegate<Func<object, IAsyncEnumerable<object?>>>();
        });
        return box?.Invoke(result);
    }

    /// <summary>Gets the value of a completed task a handler returned: its result for a <see cref="Task{TResult}"/>, else null.</summary>
    /// <param name="task">The completed task.</param>
    /// <returns>The value.</returns>
    internal static object? ResultOf(Task task)
    {
        var read = TaskResults.GetOrAdd(task.GetType(), static type =>
        {
            for (var t = type; t is not null && t != typeof(Task); t = t.BaseType)
            {
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Task<>))
                {
                    var result = t.GetGenericArguments()[0];
                    // Task<VoidTaskResult> is how the runtime completes a plain async Task method.
                    return result.Name == "VoidTaskResult" ? null : ReadResultMethod.MakeGenericMethod(result).CreateDelegate<Func<Task, object?>>();
                }
            }

            return null;
        });
        return read?.Invoke(task);
    }

    /// <summary>Checks the count of <paramref name="args"/>, fills in defaults and converts each to its parameter's type.</summary>
    /// <param name="args">The arguments as they arrived.</param>
    /// <param name="owner">The actor's name, for the error.</param>
    /// <param name="custom">The face's own conversion (see <see cref="ValueConversion.TryConvert"/>).</param>
    /// <returns>The arguments for the handler.</returns>
    /// <exception cref="ArgumentException">A count or a value does not fit; the message names the endpoint, the owner and the parameter.</exception>
    internal object?[] Prepare(object?[]? args, string owner, Func<object, Type, object?>? custom)
    {
        args ??= [];
        if (IsVariadic)
        {
            // A variadic handler sees plain values: JSON from an external surface is read as such.
            return args.Any(a => a is Contracts.Calls.JsonArgument)
                ? [.. args.Select(a => a is Contracts.Calls.JsonArgument json ? JsonPayload.FromJson(json.Json) : a)]
                : args;
        }

        if (args.Length > _parameters.Length || args.Length < _required)
        {
            var expected = _required == _parameters.Length ? _parameters.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{_required} to {_parameters.Length}";
            throw new ArgumentException(
                $"The endpoint '{Name}' of '{owner}' takes {expected} argument(s) ({string.Join(", ", _parameters.Select(p => p.ToString()))}); it was given {args.Length}.");
        }

        var prepared = args.Length == _parameters.Length ? args : new object?[_parameters.Length];
        if (!ReferenceEquals(prepared, args))
        {
            Array.Copy(args, prepared, args.Length);
            for (var i = args.Length; i < _parameters.Length; i++)
            {
                prepared[i] = _parameters[i].DefaultValue;
            }
        }

        for (var i = 0; i < args.Length; i++)
        {
            var parameter = _parameters[i];
            var value = args[i];
            if (value is not null && parameter.Type.IsInstanceOfType(value) && value is not Contracts.Calls.JsonArgument)
            {
                continue;
            }

            if (!ValueConversion.TryConvert(value, parameter.Type, custom, out var converted))
            {
                throw new ArgumentException(
                    $"Argument {i + 1} ('{parameter.Name}') of the endpoint '{Name}' of '{owner}' must be a {parameter.Type.Name}; it was {(value is null ? "null" : $"a {value.GetType().Name} ({value})")}.");
            }

            if (ReferenceEquals(prepared, args))
            {
                prepared = (object?[])args.Clone();
            }

            prepared[i] = converted;
        }

        return prepared;
    }

    /// <summary>Runs the handler.</summary>
    /// <param name="target">The object the endpoint belongs to, or null.</param>
    /// <param name="args">The prepared arguments.</param>
    /// <returns>What the handler returned.</returns>
    internal object? Invoke(object? target, object?[] args) => _invoke(target, args);

    private static object? ReadResult<T>(Task task) => ((Task<T>)task).Result;

    private static async IAsyncEnumerable<object?> BoxStream<T>(object stream)
    {
        await foreach (var item in ((IAsyncEnumerable<T>)stream).ConfigureAwait(false))
        {
            yield return item;
        }
    }
}
