using Cluster.Agents.Cli;
using MyRobot;

// A node with this project's agents and every operator verb: with no seeds it seeds itself; with --seed it joins.
return await ClusterHostApp.RunAsync(args, host => host
    .AddAgent<ArmDevice>("arm", new ArmSettings { MaxReach = 0.8 })
    .AddAgent<ArmPlanner>("arm-planner"));
