namespace Cluster.Agents.Paths;

// What an observer knows of a state now, read from any thread: the value and when it last changed on the observer's clock.
internal sealed class ObservedState(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private bool _known;
    private object? _value;
    private long _changedAt = clock.GetTimestamp();

    public bool Known
    {
        get
        {
            lock (_gate)
            {
                return _known;
            }
        }
    }

    public (bool Known, object? Value, TimeSpan SinceChange) Read()
    {
        lock (_gate)
        {
            return (_known, _value, clock.GetElapsedTime(_changedAt));
        }
    }

    public void Set(bool known, object? value, TimeSpan sinceChange)
    {
        lock (_gate)
        {
            _known = known;
            _value = known ? value : null;
            _changedAt = clock.GetTimestamp() - (long)(sinceChange.Ticks * (clock.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
        }
    }
}
