using System.Globalization;
using Cluster.Bench.Support;

namespace Cluster.Bench.Ours;

/// <summary>
/// The operator verbs' wall time, each run as a new process of the published host program against a published Lighthouse and
/// demo host on this machine, beside the start of the same program printing <c>--help</c> (the floor: the runtime starting and
/// the program's code loading, with no cluster work). One row also runs <c>nodes</c> over remoting (the local socket hidden),
/// the path a verb takes to a node on another computer.
/// </summary>
/// <remarks>
/// The programs are published into a temporary folder first (Release), or taken from <c>CLUSTER_BENCH_PUBLISHED</c>, a folder
/// holding <c>host/</c> and <c>lighthouse/</c>. Every process runs under <c>timeout</c> and is stopped by its PID.
/// </remarks>
public sealed class VerbsBench : IBenchGroup
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public string Name => "verbs";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context)
    {
        var cancellationToken = context.CancellationToken;
        var root = Path.Combine(Path.GetTempPath(), "cluster-bench-verbs-" + Guid.NewGuid().ToString("N")[..8]);
        var published = Environment.GetEnvironmentVariable("CLUSTER_BENCH_PUBLISHED") is { Length: > 0 } given ? given : await PublishAsync(root, cancellationToken);
        var host = Path.Combine(published, "host", "Cluster.Host.dll");
        var lighthouse = Path.Combine(published, "lighthouse", "Lighthouse.dll");
        var sockets = Path.Combine(root, "sockets");
        Directory.CreateDirectory(sockets);
        var environment = new Dictionary<string, string> { ["CLUSTER_OPERATOR_DIR"] = sockets };
        var group = "bench-" + Guid.NewGuid().ToString("N")[..6];
        var port = FreePort();
        string[] seed = ["--seed", $"127.0.0.1:{port}", "--group", group];

        await using var lighthouseProcess = await Programs.StartAsync(lighthouse, ["--port", port.ToString(CultureInfo.InvariantCulture), "--group", group], environment, "cluster up:", StartTimeout, cancellationToken);
        await using var hostProcess = await Programs.StartAsync(host, ["--demo", "--port", "0", .. seed], environment, "devices alive: battery, dashboard, drive", StartTimeout, cancellationToken);

        var runs = context.Size == BenchSize.Quick ? 2 : 7;
        var floor = await MedianAsync(host, ["--help"], environment, runs, cancellationToken);
        var rows = new List<BenchRow>();
        (string Name, string[] Arguments)[] verbs =
        [
            ("nodes", ["nodes"]),
            ("agents", ["agents"]),
            ("topic list", ["topic", "list"]),
            ("topic pub", ["topic", "pub", "bench/x", "1"]),
            ("call drive speed", ["call", "drive", "speed"]),
            ("clock status", ["clock", "status"]),
            ("paths", ["paths"]),
            ("state get", ["state", "get", "/rover/battery/voltage"]),
            ("doctor", ["doctor"]),
        ];
        foreach (var (name, arguments) in verbs)
        {
            var median = await MedianAsync(host, [.. arguments, .. seed], environment, runs, cancellationToken);
            rows.Add(new BenchRow($"verb `{name}`, wall time of the published program (raw: `--help`)", "ms", floor, median));
        }

        var remote = new Dictionary<string, string> { ["CLUSTER_OPERATOR_DIR"] = Path.Combine(root, "no-sockets") };
        var overRemoting = await MedianAsync(host, ["nodes", .. seed], remote, runs, cancellationToken);
        rows.Add(new BenchRow("verb `nodes` over remoting, no local socket (raw: `--help`)", "ms", floor, overRemoting));
        context.Note($"verbs: medians of {runs} runs each; `clock status` answers that no clock source runs (the demo has none), in the same round trip.");

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A socket still being removed by a stopping node; the temporary folder is cleaned by the system.
        }

        return rows;
    }

    private static async Task<double> MedianAsync(string dll, string[] arguments, IReadOnlyDictionary<string, string> environment, int runs, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        for (var run = 0; run < runs + 1; run++)
        {
            var start = Stopwatch.GetTimestamp();
            var (exitCode, output) = await Programs.RunAsync(dll, arguments, environment, TimeSpan.FromSeconds(60), cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (exitCode is not (0 or 1) || (exitCode == 1 && !output.Contains("clock source", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"{string.Join(' ', arguments)} exited {exitCode}: {output}");
            }

            // The first run warms the disk cache; it is not counted.
            if (run > 0)
            {
                times.Add(elapsed);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static async Task<string> PublishAsync(string root, CancellationToken cancellationToken)
    {
        var repository = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repository, "Cluster.sln")))
        {
            repository = Path.GetDirectoryName(repository) ?? throw new InvalidOperationException("the repository (Cluster.sln) is not above the bench program.");
        }

        var output = Path.Combine(root, "published");
        foreach (var (project, folder) in new[] { ("Cluster.Host/Cluster.Host.csproj", "host"), ("Lighthouse/Lighthouse.csproj", "lighthouse") })
        {
            var (exitCode, log) = await Programs.RunCommandAsync(
                ["dotnet", "publish", Path.Combine(repository, project), "-c", "Release", "-o", Path.Combine(output, folder), "--nologo", "-v", "q"],
                new Dictionary<string, string>(),
                TimeSpan.FromSeconds(240),
                cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"publishing {project} failed: {log}");
            }
        }

        return output;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
