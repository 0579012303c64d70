namespace MyRobot;

/// <summary>The arm planner as its callers see it through a typed proxy.</summary>
public interface IArmPlanner
{
    /// <summary>Moves the arm to reach an object at a distance.</summary>
    /// <param name="distance">The object's distance, in metres.</param>
    /// <returns>The reach the arm now has.</returns>
    Task<double> ReachForAsync(double distance);
}
