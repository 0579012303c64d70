using System.Collections.Concurrent;
using System.Globalization;

namespace Cluster.Bench.Support;

/// <summary>Runs the published programs as real processes, each under <c>timeout</c> so it ends by itself, stopped by its PID.</summary>
public sealed class Programs : IAsyncDisposable
{
    private readonly Process _process;

    private Programs(Process process) => _process = process;

    /// <summary>Starts <paramref name="dll"/> and waits until it prints a line containing <paramref name="ready"/>.</summary>
    /// <param name="dll">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Variables to set.</param>
    /// <param name="ready">The line that says it is ready.</param>
    /// <param name="timeout">How long to wait for it.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The running program.</returns>
    public static async Task<Programs> StartAsync(string dll, string[] arguments, IReadOnlyDictionary<string, string> environment, string ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = Start(["dotnet", dll, .. arguments], environment, TimeSpan.FromSeconds(600));
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new ConcurrentQueue<string>();
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lines.Enqueue(e.Data);
            if (e.Data.Contains(ready, StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var program = new Programs(process);
        try
        {
            await seen.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await program.DisposeAsync();
            throw new InvalidOperationException($"{Path.GetFileName(dll)} did not print '{ready}' within {timeout.TotalSeconds:0} s:\n{string.Join('\n', lines)}");
        }

        return program;
    }

    /// <summary>Runs <paramref name="dll"/> to its end.</summary>
    /// <param name="dll">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Variables to set.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Its exit code and output.</returns>
    public static Task<(int ExitCode, string Output)> RunAsync(string dll, string[] arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunCommandAsync(["dotnet", dll, .. arguments], environment, timeout, cancellationToken);

    /// <summary>Runs a command to its end.</summary>
    /// <param name="command">The program and its arguments.</param>
    /// <param name="environment">Variables to set.</param>
    /// <param name="timeout">How long it may run before <c>timeout</c> ends it.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Its exit code and output.</returns>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(string[] command, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Start(command, environment, timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM to timeout, which passes it on to the program: the node leaves the cluster and exits.
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static Process Start(string[] command, IReadOnlyDictionary<string, string> environment, TimeSpan lifetime)
    {
        var start = new ProcessStartInfo("timeout")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-k", "5", ((int)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture), .. command])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{command[0]} did not start.");
    }
}
