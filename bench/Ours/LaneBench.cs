using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Bench.Baselines;
using Cluster.Bench.Support;

namespace Cluster.Bench.Ours;

/// <summary>
/// The data lane beside raw loopback TCP, NetMQ PUB/SUB and raw DistributedPubSub, all in this run, on two cluster
/// nodes in this process: one sender, one receiver, at most 8 payloads in flight; MB/s, msg/s, CPU and allocation per
/// payload size; one-way latency of 1 MiB; the rate of small records. The lane runs twice: over TCP (shared memory
/// off) and as the same-machine lane (shared memory on), each between two nodes of its own. The cases take turns
/// run by run and the median of the runs is reported.
/// </summary>
public sealed class LaneBench : IBenchGroup
{
    private const int Window = 8;
    private const int SmallRecord = 56;
    private const int SmallWindow = 10_000;
    private static readonly int[] Sizes = [64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024];
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(20);
    private const string Ours = "ours (TopicBus)";
    private const string SameMachine = "ours, same-machine lane";

    // Raw DistributedPubSub refuses what exceeds the remote frame: raised here so that it carries 16 MiB at all.
    private static readonly Config Nodes = ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp.maximum-frame-size = 40MiB
        cluster-node.topics.lane.max-payload = 32MiB
        cluster-node.topics.lane.shared-memory = off
        """);

    private static readonly Config SharedNodes = ConfigurationFactory.ParseString("cluster-node.topics.lane.shared-memory = on").WithFallback(Nodes);

    /// <inheritdoc />
    public string Name => "lane";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var size = context.Size;
        var cancellationToken = context.CancellationToken;
        await using var nodes = await ClusterNodes.StartAsync(2, Nodes.WithFallback(BenchConfig.Node(ClusterHocon.Host)), cancellationToken);
        await using var shared = await ClusterNodes.StartAsync(2, SharedNodes.WithFallback(BenchConfig.Node(ClusterHocon.Host)), cancellationToken);
        var results = new Dictionary<(string Path, string Metric), double>();
        var paths = new List<ILanePath>();
        try
        {
            paths.Add(await RawTcpLane.StartAsync(new LaneHandoff(Window, 1)));
            paths.Add(NetMqLane.Start(new LaneHandoff(Window, 1)));
            paths.Add(await PubSubLane.StartAsync(nodes[0], nodes[1], "bench/lane-raw", new LaneHandoff(Window, 1)));
            paths.Add(await TopicLanePath.StartAsync(nodes[0], nodes[1], "bench/lane", new LaneHandoff(Window, 1)));
            paths.Add(await TopicLanePath.StartAsync(shared[0], shared[1], "bench/lane", new LaneHandoff(Window, 1), SameMachine));

            foreach (var bytes in Sizes)
            {
                await context.Progress($"lane: {Label(bytes)}");
                var payload = new byte[bytes];
                Random.Shared.NextBytes(payload);
                var count = Math.Max(24, (int)(size.LaneBytesPerRun / bytes));
                foreach (var path in paths)
                {
                    await OnThreadAsync(() => Throughput(path, payload, Math.Max(8, count / 4)));
                }

                var runs = paths.Select(_ => new List<(double MBs, double Rate, double Cpu, double Alloc)>()).ToArray();
                for (var run = 0; run < size.LaneRuns; run++)
                {
                    for (var turn = 0; turn < paths.Count; turn++)
                    {
                        var p = (turn + run) % paths.Count;
                        runs[p].Add(await OnThreadAsync(() => Throughput(paths[p], payload, count)));
                    }
                }

                for (var p = 0; p < paths.Count; p++)
                {
                    results[(paths[p].Name, $"{Label(bytes)} MB/s")] = Stats.Median([.. runs[p].Select(r => r.MBs)]);
                    results[(paths[p].Name, $"{Label(bytes)} msg/s")] = Stats.Median([.. runs[p].Select(r => r.Rate)]);
                    results[(paths[p].Name, $"{Label(bytes)} CPU ms per MB")] = Stats.Median([.. runs[p].Select(r => r.Cpu)]);
                    results[(paths[p].Name, $"{Label(bytes)} bytes allocated per payload byte")] = Stats.Median([.. runs[p].Select(r => r.Alloc)]);
                }
            }

            await context.Progress("lane: latency");
            var mebibyte = new byte[1024 * 1024];
            var latencies = paths.Select(_ => new List<long>()).ToArray();
            foreach (var path in paths)
            {
                await OnThreadAsync(() => Latency(path, mebibyte, Math.Max(10, size.LaneLatencySamples / 10), null));
            }

            const int turns = 5;
            for (var turn = 0; turn < turns; turn++)
            {
                for (var p = 0; p < paths.Count; p++)
                {
                    var path = paths[p];
                    await OnThreadAsync(() => Latency(path, mebibyte, size.LaneLatencySamples / turns, latencies[p]));
                }
            }

            for (var p = 0; p < paths.Count; p++)
            {
                results[(paths[p].Name, "1 MiB one-way latency p50 (ms)")] = Percentile(latencies[p], 50);
                results[(paths[p].Name, "1 MiB one-way latency p99 (ms)")] = Percentile(latencies[p], 99);
            }
        }
        finally
        {
            foreach (var path in paths)
            {
                await path.DisposeAsync();
            }
        }

        await context.Progress("lane: small records");
        await SmallRecordsAsync(nodes, size, results);

        var lane = TopicBus.Get(nodes[0]).Lane!;
        var sameMachine = TopicBus.Get(shared[0]).Lane!;
        var settings = TopicBus.Get(shared[0]).Settings.Lane;
        context.Note(FormattableString.Invariant(
            $"lane: the bus's lane sent {lane.PayloadsSent:N0} payloads ({lane.BytesSent / 1048576.0:N0} MiB), {lane.SendBroken} broken, {lane.QosDropped} dropped by keep-last, {lane.SharedMemorySent} through shared memory; threshold {settings.Threshold / 1024} KiB, chunk {settings.ChunkSize / 1024} KiB."));
        context.Note(FormattableString.Invariant(
            $"lane: the same-machine lane sent {sameMachine.PayloadsSent:N0} payloads ({sameMachine.BytesSent / 1048576.0:N0} MiB), {sameMachine.SharedMemorySent:N0} of them through its {settings.SharedMemorySize / 1048576} MiB shared-memory ring, {sameMachine.SendBroken} broken, {sameMachine.QosDropped} dropped by keep-last."));
        context.Section(Table(results, size));

        var ours = Ours;
        return
        [
            new BenchRow("Data lane 1 → 1 remote, 1 MiB payloads (≤ 8 in flight, median); raw: DistributedPubSub byte[]", "MB/s", results[("raw DistributedPubSub", "1 MiB MB/s")], results[(ours, "1 MiB MB/s")]),
            new BenchRow("Data lane 1 → 1 remote, 1 MiB one-way latency p50; raw: DistributedPubSub byte[]", "µs", results[("raw DistributedPubSub", "1 MiB one-way latency p50 (ms)")] * 1000, results[(ours, "1 MiB one-way latency p50 (ms)")] * 1000),
            new BenchRow("Data lane 1 → 1 on the same machine (shared-memory ring), 16 MiB payloads (≤ 8 in flight, median); raw: NetMQ PUB/SUB", "MB/s", results[("NetMQ", "16 MiB MB/s")], results[(SameMachine, "16 MiB MB/s")]),
        ];
    }

    private static string Label(int bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes / 1024} KiB";

    private static Task<T> OnThreadAsync<T>(Func<T> work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static Task OnThreadAsync(Action work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // One throughput run on a thread of its own, so every path's sender does the same blocking waits.
    private static (double MBs, double Rate, double Cpu, double Alloc) Throughput(ILanePath path, byte[] payload, int count)
    {
        var handoff = path.Handoff;
        var done = handoff.Arm(count);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        for (var sent = 0; sent < count; sent += handoff.CreditBatch)
        {
            if (!handoff.Credits.Wait(0))
            {
                path.Flush();
                if (!handoff.Credits.Wait(StepTimeout))
                {
                    throw new TimeoutException($"{path.Name}: the receiver stayed {handoff.Window} payloads behind for {StepTimeout.TotalSeconds:0} s after {sent:N0} of {count:N0}. {path.Diagnose()}");
                }
            }

            for (var i = sent; i < Math.Min(count, sent + handoff.CreditBatch); i++)
            {
                path.Send(payload);
            }
        }

        path.Flush();
        if (!done.Wait(StepTimeout))
        {
            throw new TimeoutException($"{path.Name}: the last of {count:N0} payloads of {payload.Length:N0} bytes did not arrive in {StepTimeout.TotalSeconds:0} s. {path.Diagnose()}");
        }

        var end = done.Result;
        var cpuSpent = Environment.CpuUsage.TotalTime - cpu;
        var allocatedNow = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        // The credits of the run are all back once the last payload has arrived; the next run starts full.
        var seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        var megabytes = (double)payload.Length * count / 1e6;
        return (megabytes / seconds, count / seconds, cpuSpent.TotalMilliseconds / megabytes, allocatedNow / (megabytes * 1e6));
    }

    private static void Latency(ILanePath path, byte[] payload, int count, List<long>? into)
    {
        var handoff = path.Handoff;
        handoff.ArmLatency();
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
            path.Send(payload);
            path.Flush();
            var read = handoff.Latencies.Reader.ReadAsync().AsTask();
            if (!read.Wait(StepTimeout))
            {
                throw new TimeoutException($"{path.Name}: a 1 MiB latency probe did not arrive in {StepTimeout.TotalSeconds:0} s. {path.Diagnose()}");
            }

            into?.Add(read.Result);
        }
    }

    private static double Percentile(List<long> ticks, double percentile)
    {
        var sorted = ticks.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Max(rank, 1) - 1] * 1000.0 / Stopwatch.Frequency;
    }

    private static async Task SmallRecordsAsync(ClusterNodes nodes, BenchSize size, Dictionary<(string, string), double> results)
    {
        var paths = new List<ILanePath>
        {
            await RawTcpLane.StartAsync(new LaneHandoff(SmallWindow, 100)),
            NetMqLane.Start(new LaneHandoff(SmallWindow, 100)),
            await PubSubLane.StartAsync(nodes[0], nodes[1], "bench/small-raw", new LaneHandoff(SmallWindow, 100)),
            await TopicLanePath.StartAsync(nodes[0], nodes[1], "bench/small", new LaneHandoff(SmallWindow, 100)),
        };
        try
        {
            var record = new byte[SmallRecord];
            Random.Shared.NextBytes(record);
            foreach (var path in paths)
            {
                await OnThreadAsync(() => Throughput(path, record, size.LaneSmallMessages));
            }

            var rates = paths.Select(_ => new List<double>()).ToArray();
            for (var run = 0; run < size.LaneRuns; run++)
            {
                for (var turn = 0; turn < paths.Count; turn++)
                {
                    var p = (turn + run) % paths.Count;
                    rates[p].Add((await OnThreadAsync(() => Throughput(paths[p], record, size.LaneSmallMessages))).Rate);
                }
            }

            for (var p = 0; p < paths.Count; p++)
            {
                results[(paths[p].Name, $"small records ({SmallRecord} B) msg/s")] = Stats.Median(rates[p]);
            }
        }
        finally
        {
            foreach (var path in paths)
            {
                await path.DisposeAsync();
            }
        }
    }

    private static string Table(Dictionary<(string Path, string Metric), double> results, BenchSize size)
    {
        string[] paths = ["raw TCP", "NetMQ", "raw DistributedPubSub", Ours, SameMachine];
        var metrics = results.Keys.Select(key => key.Metric).Distinct().ToList();
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"### Data lane: raw TCP, NetMQ, raw DistributedPubSub and the topic bus over TCP and over shared memory, side by side (≤ {Window} in flight; {size.LaneRuns} runs each, cases taking turns, medians)");
        table.AppendLine();
        table.AppendLine("| case | raw TCP | NetMQ | raw DistributedPubSub | ours (TopicBus) | ours, same-machine lane | ours ÷ raw TCP | ours ÷ NetMQ | same-machine ÷ raw TCP | same-machine ÷ NetMQ |");
        table.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var metric in metrics)
        {
            var values = paths.Select(path => results.TryGetValue((path, metric), out var value) ? value : (double?)null).ToArray();
            table.Append(CultureInfo.InvariantCulture, $"| {metric} |");
            foreach (var value in values)
            {
                table.Append(CultureInfo.InvariantCulture, $" {Figure(value)} |");
            }

            table.Append(CultureInfo.InvariantCulture, $" {Ratio(values[3], values[0])} | {Ratio(values[3], values[1])} | {Ratio(values[4], values[0])} | {Ratio(values[4], values[1])} |");
            table.AppendLine();
        }

        return table.ToString();
    }

    private static string Figure(double? value) => value switch
    {
        null => "-",
        >= 100 => value.Value.ToString("N0", CultureInfo.InvariantCulture),
        >= 1 => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0.000", CultureInfo.InvariantCulture),
    };

    private static string Ratio(double? ours, double? other) =>
        ours is { } a && other is { } b && b > 0 ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) : "-";
}
