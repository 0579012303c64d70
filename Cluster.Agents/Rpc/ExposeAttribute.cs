namespace Cluster.Agents.Rpc;

/// <summary>
/// Marks a member of an agent (or of an object it exposes) as callable by remote callers: a method (sync,
/// <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/>, <see cref="ValueTask{TResult}"/>),
/// or a property whose value is a child object with exposed members of its own (a nested router, reached
/// by a path such as <c>eggs/cook</c>). A member without it cannot be called.
/// </summary>
/// <remarks>
/// Paths match names ignoring case, <c>-</c> and <c>_</c>, and a method's default name drops an <c>Async</c>
/// suffix: <c>SetSpeedAsync</c> answers <c>SetSpeed</c>, <c>set-speed</c> and <c>setspeed</c>. On a contract
/// interface, the attribute gives a proxy method the path it calls.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class ExposeAttribute : Attribute
{
    /// <summary>Exposes the member under its own name (without an <c>Async</c> suffix).</summary>
    public ExposeAttribute()
    {
    }

    /// <summary>Exposes the member under <paramref name="name"/>.</summary>
    /// <param name="name">The path segment that reaches it; no <c>/</c>.</param>
    public ExposeAttribute(string name) => Name = name;

    /// <summary>Gets the path segment that reaches the member, or null for the member's own name.</summary>
    public string? Name { get; }
}
