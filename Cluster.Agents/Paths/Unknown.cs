namespace Cluster.Agents.Paths;

/// <summary>Stands for the value of a state that is not known: <c>state.Changed(Unknown.Value)</c> is the same as <c>state.Unknown()</c>.</summary>
public sealed class Unknown
{
    /// <summary>The single instance.</summary>
    public static readonly Unknown Value = new();

    private Unknown()
    {
    }

    /// <inheritdoc />
    public override string ToString() => "Unknown";
}
