namespace Cluster.Agents.Paths;

/// <summary>Holds the value of a state, or Unknown.</summary>
/// <typeparam name="T">The state's value type.</typeparam>
public readonly record struct StateValue<T>
{
    private readonly T? _value;

    private StateValue(bool isKnown, T? value)
    {
        IsKnown = isKnown;
        _value = value;
    }

    /// <summary>Gets the unknown value.</summary>
    public static StateValue<T> Unknown => default;

    /// <summary>Gets a value indicating whether the state has a value.</summary>
    public bool IsKnown { get; }

    /// <summary>Gets the value.</summary>
    /// <exception cref="InvalidOperationException">The state is unknown.</exception>
    public T Value => IsKnown ? _value! : throw new InvalidOperationException("The state is unknown.");

    /// <summary>Makes a known value.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator StateValue<T>(T value) => Known(value);

    /// <summary>Makes the unknown value from <see cref="Paths.Unknown.Value"/>.</summary>
    /// <param name="unknown">The marker.</param>
    public static implicit operator StateValue<T>(Unknown unknown) => default;

    /// <summary>Makes a known value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The state value.</returns>
    public static StateValue<T> Known(T value) => new(true, value);

    /// <summary>Gets the value, or <paramref name="fallback"/> when unknown.</summary>
    /// <param name="fallback">What to give when unknown.</param>
    /// <returns>The value or the fallback.</returns>
    public T? GetValueOrDefault(T? fallback = default) => IsKnown ? _value : fallback;

    /// <inheritdoc />
    public override string ToString() => IsKnown ? _value?.ToString() ?? "null" : "Unknown";
}
