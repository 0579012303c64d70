namespace Cluster.Bench;

/// <summary>
/// One line of the results table: a case measured on raw Akka.NET and, once our layer has the same case,
/// through our layer in the same run, so both figures share the machine's conditions.
/// </summary>
/// <param name="Case">What is measured, including the serializer when one is involved.</param>
/// <param name="Unit">The unit of both figures, e.g. <c>msg/s</c> or <c>µs</c>.</param>
/// <param name="Raw">
/// The raw Akka.NET figure, or the reference the case names when raw Akka.NET has no such case; <see langword="null"/>
/// when there is nothing to compare with.
/// </param>
/// <param name="Ours">Our layer's figure, or <see langword="null"/> while our layer has no such case.</param>
public sealed record BenchRow(string Case, string Unit, double? Raw, double? Ours = null)
{
    /// <summary>Gets ours ÷ raw, or <see langword="null"/> while one of the two figures is missing.</summary>
    public double? Ratio => Ours / Raw;
}

/// <summary>A group of measurements that share one setup, such as a two-node cluster.</summary>
public interface IBenchGroup
{
    /// <summary>Gets the group's short name, shown in progress and error messages.</summary>
    string Name { get; }

    /// <summary>Sets the group up, measures each case and tears everything down again.</summary>
    /// <param name="context">The run's sizes, deadline and notes.</param>
    /// <returns>The group's rows, in the order they are to be printed.</returns>
    Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context);
}

/// <summary>How much work each measurement does: the full run or the short smoke check of <c>--quick</c>.</summary>
/// <param name="LocalTellMessages">Messages per local tell run.</param>
/// <param name="LocalTellRuns">Measured local tell runs; the median is reported.</param>
/// <param name="AskWarmup">Asks sent before the recorded ones.</param>
/// <param name="AskSamples">Recorded sequential asks per serializer.</param>
/// <param name="PubSubMessages">Messages per pub-sub throughput run.</param>
/// <param name="PubSubRuns">Measured pub-sub throughput runs; the median is reported.</param>
/// <param name="LatencyWarmup">Paced pub-sub messages sent before the recorded ones.</param>
/// <param name="LatencySamples">Recorded paced pub-sub messages.</param>
/// <param name="SubscribeTopics">Fresh topics subscribed per kind (raw, exact, glob) in the subscribe latency group.</param>
/// <param name="GlobPatterns">Distinct glob patterns subscribed before publishes are timed.</param>
/// <param name="GlobPublishes">Timed publishes per glob scaling case.</param>
/// <param name="GlobChunk">Publishes per glob scaling case between two waits for the nodes to drain.</param>
/// <param name="ClockRuns">Measured runs of one simulated hour per step size; the median is reported.</param>
/// <param name="LaneBytesPerRun">Payload bytes per lane throughput run (at least 24 payloads).</param>
/// <param name="LaneRuns">Measured lane runs per case; the median is reported.</param>
/// <param name="LaneLatencySamples">Recorded 1 MiB one-way latencies per lane path.</param>
/// <param name="LaneSmallMessages">Small records per lane small-record run.</param>
/// <param name="Budget">The longest the whole run may take before it is aborted.</param>
public sealed record BenchSize(
    int LocalTellMessages,
    int LocalTellRuns,
    int AskWarmup,
    int AskSamples,
    int PubSubMessages,
    int PubSubRuns,
    int LatencyWarmup,
    int LatencySamples,
    int SubscribeTopics,
    int GlobPatterns,
    int GlobPublishes,
    int GlobChunk,
    int ClockRuns,
    TimeSpan Budget,
    long LaneBytesPerRun = 256L * 1024 * 1024,
    int LaneRuns = 3,
    int LaneLatencySamples = 500,
    int LaneSmallMessages = 200_000)
{
    /// <summary>Gets the sizes of the full run (about a minute and a half on two cores).</summary>
    public static BenchSize Full { get; } = new(
        LocalTellMessages: 3_000_000,
        LocalTellRuns: 3,
        AskWarmup: 2_000,
        AskSamples: 20_000,
        PubSubMessages: 200_000,
        PubSubRuns: 3,
        LatencyWarmup: 1_000,
        LatencySamples: 10_000,
        SubscribeTopics: 20,
        GlobPatterns: 10_000,
        GlobPublishes: 500_000,
        GlobChunk: 10_000,
        ClockRuns: 3,
        Budget: TimeSpan.FromSeconds(900));

    /// <summary>Gets the sizes of the smoke check: every case runs, on figures too small to trust.</summary>
    public static BenchSize Quick { get; } = new(
        LocalTellMessages: 300_000,
        LocalTellRuns: 1,
        AskWarmup: 200,
        AskSamples: 1_000,
        PubSubMessages: 10_000,
        PubSubRuns: 1,
        LatencyWarmup: 100,
        LatencySamples: 500,
        SubscribeTopics: 5,
        GlobPatterns: 1_000,
        GlobPublishes: 50_000,
        GlobChunk: 10_000,
        ClockRuns: 1,
        Budget: TimeSpan.FromSeconds(180),
        LaneBytesPerRun: 32L * 1024 * 1024,
        LaneRuns: 1,
        LaneLatencySamples: 50,
        LaneSmallMessages: 20_000);
}

/// <summary>What every group gets from the run: its sizes, the run's deadline, and a place for notes.</summary>
/// <param name="size">The sizes of this run.</param>
/// <param name="cancellationToken">Cancelled when the run's budget is spent.</param>
public sealed class BenchContext(BenchSize size, CancellationToken cancellationToken)
{
    private readonly List<string> _notes = [];

    /// <summary>Gets the sizes of this run.</summary>
    public BenchSize Size => size;

    /// <summary>Gets the token that is cancelled when the run's budget is spent.</summary>
    public CancellationToken CancellationToken => cancellationToken;

    private readonly List<string> _sections = [];

    /// <summary>Gets the tables of groups whose cases compare more than two paths, printed after the notes.</summary>
    public IReadOnlyList<string> Sections => _sections;

    /// <summary>Adds a markdown section printed after the notes.</summary>
    /// <param name="markdown">The section.</param>
    public void Section(string markdown) => _sections.Add(markdown);

    /// <summary>Reports progress on standard error, so standard output stays the report.</summary>
    /// <param name="line">What is being measured.</param>
    /// <returns>A task that completes when written.</returns>
    public Task Progress(string line) => Console.Error.WriteLineAsync(line);

    /// <summary>Gets the notes the groups left, printed under the table.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Adds a line printed under the table, for an observation that is not a figure to compare.</summary>
    /// <param name="line">The note.</param>
    public void Note(string line) => _notes.Add(line);
}
