using Cluster.Agents.Cli;
using Cluster.Host.Demo;

return await ClusterHostApp.RunAsync(args, host =>
{
    host.Description = "A host node of the cluster. With no seeds it is the embedded default: it seeds itself and runs demo agents. " +
        "With --seed (or CLUSTER_SEEDS) it joins that cluster and runs the agents its configuration lists.";
    host.DemoAgents = DemoAgents.Config;
});
