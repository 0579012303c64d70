namespace MyRobot;

/// <summary>The arm's settings, bound from <c>settings { ... }</c> in agents.conf or given in Program.cs.</summary>
public sealed record ArmSettings
{
    /// <summary>Gets how far the arm reaches, in metres.</summary>
    public double MaxReach { get; init; } = 0.8;

    /// <summary>Gets how often the arm publishes its reach on <c>arm/reach</c>.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromMilliseconds(500);
}
