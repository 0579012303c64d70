namespace FaultAgents;

/// <summary>The load device's settings.</summary>
public sealed record LoadSettings
{
    /// <summary>Gets the devices, comma-separated, that this one sends requests to and holds a request open at.</summary>
    public string Peers { get; init; } = "";

    /// <summary>Gets how many topic messages the device publishes per second.</summary>
    public int Rate { get; init; } = 1000;
}
