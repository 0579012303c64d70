namespace Cluster.Host.Demo;

/// <summary>The contract of the demo's <see cref="DriveControl"/> agent, as its callers see it through a typed proxy.</summary>
public interface IDriveControl
{
    /// <summary>Sets the drive's speed.</summary>
    /// <param name="metresPerSecond">The speed, between -2 and 2 m/s.</param>
    /// <returns>The speed the drive now runs at.</returns>
    Task<double> SetSpeedAsync(double metresPerSecond);
}
