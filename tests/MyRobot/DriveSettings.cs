namespace MyRobot;

/// <summary>The drive's settings, as the README's drive.conf gives them.</summary>
public sealed record DriveSettings
{
    public string Port { get; init; } = "/dev/null";

    public double MaxSpeed { get; init; } = 1.0;

    public TimeSpan Period { get; init; } = TimeSpan.FromMilliseconds(100);
}
