using Cluster.Bench;
using Cluster.Bench.Baselines;
using Cluster.Bench.Ours;
using Cluster.Bench.Support;

// Prints one markdown table of our layer's figures beside raw Akka.NET baselines measured in this run; see docs/BENCHMARKS.md.
var size = BenchSize.Full;
string[]? only = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            size = BenchSize.Quick;
            break;
        case "--only" when i + 1 < args.Length:
            only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            break;
        default:
            await Console.Error.WriteLineAsync("usage: dotnet run -c Release --project bench [-- [--quick] [--only group,group]]");
            return 2;
    }
}

// Taken before the run, so the date and the load are those the figures were measured under.
var header = Report.Header(args);
IBenchGroup[] groups =
[
    new LocalTell(), new RemoteAsk(), new TopicBusBench(), new SubscribeLatency(), new GlobScaling(),
    new DeviceRequestBench(), new AgentRpc(), new ExternalClockBench(), new ClusterClockBench(), new PathsBench(), new CommandsBench(), new VerbsBench(),
    new LaneBench(),
];
if (only is null)
{
    // The verbs group publishes the programs first, which alone takes most of a full run's budget: it runs when named.
    groups = [.. groups.Where(group => group is not VerbsBench)];
}
else
{
    var unknown = only.Where(name => !groups.Any(group => group.Name == name)).ToList();
    if (unknown.Count > 0)
    {
        await Console.Error.WriteLineAsync($"bench: no group named {string.Join(", ", unknown.Select(name => $"'{name}'"))}; the groups are {string.Join(", ", groups.Select(group => $"'{group.Name}'"))}.");
        return 2;
    }

    groups = [.. groups.Where(group => only.Contains(group.Name))];
}
using var budget = new CancellationTokenSource(size.Budget);
var context = new BenchContext(size, budget.Token);
var rows = new List<BenchRow>();
var cpuAtStart = Report.CpuCounters();
var total = Stopwatch.StartNew();
foreach (var group in groups)
{
    // Progress goes to standard error so standard output is only the report.
    await Console.Error.WriteLineAsync($"running {group.Name}...");
    var groupStart = Stopwatch.GetTimestamp();
    var groupCpu = Report.CpuCounters();
    var groupGcs = (GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration());
    try
    {
        rows.AddRange(await group.RunAsync(context));
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"{group.Name}: {Stopwatch.GetElapsedTime(groupStart).TotalSeconds:0.0} s, steal {Report.StolenShare(groupCpu, Report.CpuCounters())}, {GC.CollectionCount(0) - groupGcs.Item1} garbage collections ({GC.CollectionCount(2) - groupGcs.Item2} full), {(GC.GetTotalPauseDuration() - groupGcs.Item3).TotalMilliseconds:0} ms paused"));
    }
    catch (Exception e)
    {
        var reason = budget.IsCancellationRequested ? $"the run's budget of {size.Budget.TotalSeconds:0} s is spent" : e.ToString();
        await Console.Error.WriteLineAsync($"bench: {group.Name} failed: {reason}");
        return 1;
    }
}

Console.WriteLine(header);
Console.WriteLine();
Console.WriteLine(Report.Table(rows));
Console.WriteLine();
foreach (var note in context.Notes)
{
    Console.WriteLine($"- {note}");
}

foreach (var section in context.Sections)
{
    Console.WriteLine();
    Console.WriteLine(section);
}

Console.WriteLine();
Console.WriteLine(FormattableString.Invariant($"- total run time: {total.Elapsed.TotalSeconds:0.0} s"));
Console.WriteLine($"- load average at end (1, 5, 15 min): {Report.LoadAverage()}");
Console.WriteLine($"- processor time taken by the hypervisor (steal) during the run: {Report.StolenShare(cpuAtStart, Report.CpuCounters())}");
return 0;
