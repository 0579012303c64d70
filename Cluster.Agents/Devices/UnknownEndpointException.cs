namespace Cluster.Agents.Devices;

/// <summary>A request or send named an endpoint the device does not have.</summary>
public sealed class UnknownEndpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="device">The device's name.</param>
    /// <param name="endpoint">The endpoint asked for.</param>
    /// <param name="endpoints">The endpoints the device has.</param>
    public UnknownEndpointException(string device, string endpoint, IEnumerable<string> endpoints)
        : base($"Device '{device}' has no endpoint '{endpoint}'; its endpoints: {Describe(endpoints)}.")
    {
        Device = device;
        Endpoint = endpoint;
    }

    /// <summary>Gets the device's name.</summary>
    public string Device { get; }

    /// <summary>Gets the endpoint asked for.</summary>
    public string Endpoint { get; }

    private static string Describe(IEnumerable<string> endpoints)
    {
        var list = endpoints.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
