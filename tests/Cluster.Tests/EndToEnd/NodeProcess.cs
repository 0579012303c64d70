using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Cluster.Tests.EndToEnd;

/// <summary>
/// One of the built programs (Lighthouse or Cluster.Host) running as a real process. Each runs under
/// <c>timeout</c>, so it ends by itself even if the test process dies; it is stopped by its PID on every
/// path, and its output is kept for assertions and failure messages.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(120);
    private readonly Process _launcher;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);
    private int _disposed;

    private NodeProcess(string name, Process launcher)
    {
        Name = name;
        _launcher = launcher;
    }

    /// <summary>Gets a readable name for messages, e.g. "host-a".</summary>
    public string Name { get; }

    /// <summary>Gets the PID of the program itself (the child of the <c>timeout</c> launcher), or 0 if it ended before its PID was read.</summary>
    public int ProgramPid { get; private set; }

    /// <summary>Gets everything the program printed so far, standard output and error interleaved.</summary>
    public string Output => string.Join(Environment.NewLine, _lines);

    /// <summary>Gets the lines the program printed so far, standard output and error interleaved, in order.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Gets the exit code once the process has exited.</summary>
    public int ExitCode => _launcher.ExitCode;

    /// <summary>Gets whether the process has exited.</summary>
    public bool HasExited => _launcher.HasExited;

    /// <summary>Gets the path of the built host program.</summary>
    public static string HostDll => BuiltProgram("HostDll");

    /// <summary>Gets the path of the built Lighthouse program.</summary>
    public static string LighthouseDll => BuiltProgram("LighthouseDll");

    /// <summary>Gets the repository's root folder.</summary>
    public static string RepositoryRoot => Path.GetFullPath(Metadata("RepositoryRoot"));

    /// <summary>Gets the configuration the tests were built in, e.g. Debug.</summary>
    public static string Configuration => Metadata("Configuration");

    private static string Metadata(string key) =>
        typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>Gets the state folder (<c>XDG_STATE_HOME</c>) of the programs the tests start, under the temporary folder.</summary>
    public static string TestStateHome { get; } = Path.Combine(Path.GetTempPath(), "cluster-tests-state");

    /// <summary>Gets the output folder of the fault tests' agent project, which nothing references.</summary>
    public static string FaultAgentsDir
    {
        get
        {
            var path = Metadata("FaultAgentsDir");
            return File.Exists(Path.Combine(path, "FaultAgents.dll")) ? Path.GetFullPath(path) : throw new FileNotFoundException($"FaultAgentsDir: build the solution first; {path}/FaultAgents.dll is missing.");
        }
    }

    /// <summary>Gets the output folder of the MyRobot agent project, which nothing references.</summary>
    public static string MyRobotDir
    {
        get
        {
            var path = typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MyRobotDir").Value!;
            return File.Exists(Path.Combine(path, "MyRobot.dll")) ? Path.GetFullPath(path) : throw new FileNotFoundException($"MyRobotDir: build the solution first; {path}/MyRobot.dll is missing.");
        }
    }

    /// <summary>Starts <paramref name="dll"/> with <paramref name="arguments"/>.</summary>
    /// <param name="name">A readable name for messages.</param>
    /// <param name="dll">The program's dll.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Environment variables to set (or, with a null value, to remove).</param>
    /// <returns>The running process.</returns>
    public static NodeProcess Start(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        StartDotnet(name, [dll, .. arguments], environment);

    /// <summary>Starts <c>dotnet</c> with <paramref name="arguments"/>: a program's dll or an SDK command such as <c>new</c> or <c>test</c>.</summary>
    /// <param name="name">A readable name for messages.</param>
    /// <param name="arguments">The arguments of <c>dotnet</c>.</param>
    /// <param name="environment">Environment variables to set (or, with a null value, to remove).</param>
    /// <param name="workingDirectory">The working directory, or null for the test's.</param>
    /// <param name="lifetime">How long it may run before <c>timeout</c> ends it; the default is 120 s.</param>
    /// <param name="launcher">A command that runs <c>dotnet</c> in turn by replacing itself with it, such as <c>nsenter</c> into a network namespace; none by default.</param>
    /// <returns>The running process.</returns>
    public static NodeProcess StartDotnet(
        string name,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        TimeSpan? lifetime = null,
        IEnumerable<string>? launcher = null) =>
        StartCommand(name, [.. launcher ?? [], "dotnet", .. arguments], environment, workingDirectory, lifetime);

    /// <summary>Starts any command under <c>timeout</c>, such as a process that holds a network namespace.</summary>
    /// <param name="name">A readable name for messages.</param>
    /// <param name="command">The program and its arguments; the program must not fork and exit (its PID is the one stopped).</param>
    /// <param name="environment">Environment variables to set (or, with a null value, to remove).</param>
    /// <param name="workingDirectory">The working directory, or null for the test's.</param>
    /// <param name="lifetime">How long it may run before <c>timeout</c> ends it; the default is 120 s.</param>
    /// <returns>The running process.</returns>
    public static NodeProcess StartCommand(
        string name,
        IEnumerable<string> command,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        TimeSpan? lifetime = null)
    {
        var start = new ProcessStartInfo("timeout")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        // SIGKILL 5 s after the SIGTERM if the program ignores it.
        foreach (var argument in (string[])["-k", "5", ((int)(lifetime ?? Lifetime).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), .. command])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in new[] { "CLUSTER_GROUP", "CLUSTER_IP", "CLUSTER_PORT", "CLUSTER_SEEDS", "CLUSTER_CONFIG", "CLUSTER_PROFILE", "CLUSTER_MEMBERS_FILE", "STATE_DIRECTORY" })
        {
            start.Environment.Remove(variable);
        }

        // A Lighthouse remembers its cluster's members under the state folder: the tests' go to a folder of their own.
        start.Environment["XDG_STATE_HOME"] = TestStateHome;

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var launcher = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new NodeProcess(name, launcher);
        launcher.OutputDataReceived += (_, e) => node.Append(e.Data);
        launcher.ErrorDataReceived += (_, e) => node.Append(e.Data);
        launcher.Start();
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        node.ProgramPid = FindChild(launcher);
        return node;
    }

    /// <summary>Runs a program to its end and returns its exit code and output.</summary>
    /// <param name="dll">The program's dll.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">How long it may run before it is killed and the test fails.</param>
    /// <returns>The exit code and everything it printed.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string dll, IEnumerable<string> arguments, TimeSpan timeout)
    {
        await using var process = Start(Path.GetFileNameWithoutExtension(dll), dll, arguments);
        await process.WaitForExitAsync(timeout);
        return (process.ExitCode, process.Output);
    }

    /// <summary>Waits until the program prints a line containing <paramref name="text"/>.</summary>
    /// <param name="text">The text to wait for.</param>
    /// <param name="timeout">How long to wait before failing with the output so far.</param>
    /// <returns>The line.</returns>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var index = await WaitForLineIndexAsync(text, timeout);
        return Lines[index];
    }

    /// <summary>Waits until the program prints a line containing <paramref name="text"/> at or after line <paramref name="from"/>.</summary>
    /// <param name="text">The text to wait for.</param>
    /// <param name="timeout">How long to wait before failing with the output so far.</param>
    /// <param name="from">The index of the first line to look at, counting from 0 over everything printed.</param>
    /// <returns>The line.</returns>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout, int from)
    {
        var index = await WaitForLineIndexAsync(text, timeout, from);
        return Lines[index];
    }

    /// <summary>Waits until the program prints a line containing <paramref name="text"/> at or after line <paramref name="from"/>.</summary>
    /// <param name="text">The text to wait for.</param>
    /// <param name="timeout">How long to wait before failing with the output so far.</param>
    /// <param name="from">The index of the first line to look at, counting from 0 over everything printed.</param>
    /// <returns>The line's index in <see cref="Lines"/>.</returns>
    public async Task<int> WaitForLineIndexAsync(string text, TimeSpan timeout, int from = 0)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var drained = false;
        while (true)
        {
            var lines = Lines;
            for (var index = from; index < lines.Count; index++)
            {
                if (lines[index].Contains(text, StringComparison.Ordinal))
                {
                    return index;
                }
            }

            if (HasExited && !drained)
            {
                // The exit can be seen before the last lines are read: wait for the output's end, then look once more.
                drained = true;
                try
                {
                    await _launcher.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                }

                continue;
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {ExitCode} before printing '{text}'{(from > 0 ? $" after line {from}" : string.Empty)}. Output:\n{Output}");
            }

            try
            {
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not print '{text}'{(from > 0 ? $" after line {from}" : string.Empty)} within {timeout.TotalSeconds} s. Output:\n{Output}");
            }
        }
    }

    /// <summary>Waits for the process to exit by itself.</summary>
    /// <param name="timeout">How long to wait before killing it and failing.</param>
    /// <returns>A task that completes when it has exited.</returns>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _launcher.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await DisposeAsync();
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s. Output:\n{Output}");
        }

        // The redirected streams may still hold the last lines.
        _launcher.WaitForExit();
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to exit, leaving it running if it does not.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>Whether it exited.</returns>
    public async Task<bool> TryWaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _launcher.WaitForExitAsync(deadline.Token);
            _launcher.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGKILL to the program: it dies at once, without leaving the cluster.</summary>
    public void Kill() => Signal(ProgramPid, 9);

    /// <summary>Sends SIGTERM to the program: it leaves the cluster gracefully and exits.</summary>
    public void Terminate() => Signal(ProgramPid, 15);

    /// <summary>Kills the program and its launcher by PID if they are still running.</summary>
    /// <returns>A task that completes when the launcher has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        // A harness that owns its processes may dispose one the test disposed too.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_launcher.HasExited)
        {
            Signal(ProgramPid, 9);
            Signal(_launcher.Id, 9);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _launcher.WaitForExitAsync(deadline.Token);
        }

        _launcher.Dispose();
        _newLine.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _newLine.Release();
        }
    }

    private static int FindChild(Process launcher)
    {
        // timeout forks the program at once; its PID appears in /proc shortly after. A short command may be over,
        // and timeout with it, before its PID is read: then there is nothing left to stop (0).
        var parentPid = launcher.Id;
        var children = $"/proc/{parentPid}/task/{parentPid}/children";
        var spin = Stopwatch.StartNew();
        while (spin.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                if (File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var first, ..])
                {
                    return int.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }

            if (launcher.HasExited)
            {
                return 0;
            }

            Thread.Yield();
        }

        Signal(parentPid, 9);
        throw new InvalidOperationException($"the program launched by timeout (PID {parentPid}) did not appear within 10 s.");
    }

    private static void Signal(int pid, int signal)
    {
        if (pid > 0)
        {
            _ = SendSignal(pid, signal);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    private static string BuiltProgram(string key)
    {
        var path = typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"{key}: build the solution first; {path} is missing.", path);
    }
}
