using FsCheck;
using FsCheck.Fluent;

namespace Cluster.Tests.Fuzz;

/// <summary>Runs a fuzz property over <see cref="FuzzBudget.Inputs"/> inputs, failing on the first input that breaks it.</summary>
internal static class Fuzz
{
    /// <summary>How long one input may take before the parser counts as hung on it.</summary>
    public static readonly TimeSpan InputLimit = TimeSpan.FromMinutes(1);

    /// <summary>Checks <paramref name="property"/> on inputs from <paramref name="inputs"/>.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <param name="inputs">The generator.</param>
    /// <param name="property">Throws when an input shows a defect (a crash, an undocumented exception, an unclear message).</param>
    /// <returns>A task that completes when every input passed.</returns>
    public static async Task CheckAsync<T>(Gen<T> inputs, Action<T> property)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(FuzzBudget.Inputs).WithEndSize(200).WithQuietOnSuccess(true);
        var watch = new InputWatch();
        var run = Task.Factory.StartNew(
            () => Check.One(config, Prop.ForAll(inputs.ToArbitrary(), (T input) =>
            {
                watch.Start(input);
                property(input);
            })),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // A hang is a defect too, but a slow machine is not: the limit is per input, so a full run takes what its
        // inputs take, while one input that never returns is caught a minute after it began.
        while (true)
        {
            var left = watch.Left(InputLimit);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"One input took longer than {InputLimit.TotalSeconds:0} s (a hang); the input: {Describe(watch.Current)}");
            }

            try
            {
                await run.WaitAsync(left);
                return;
            }
            catch (TimeoutException)
            {
                // The input in hand may have changed meanwhile: look again.
            }
        }
    }

    private static string Describe(object? input) => input switch
    {
        null => "none yet",
        string text => System.Text.Json.JsonSerializer.Serialize(text),
        _ => input.ToString() ?? input.GetType().Name,
    };

    /// <summary>Fails unless <paramref name="error"/> is one of <paramref name="documented"/> with a message that says what was wrong.</summary>
    /// <param name="error">The exception an input caused.</param>
    /// <param name="mentions">Text the message must hold (e.g. the input or the key), or null.</param>
    /// <param name="documented">The exception types the API documents.</param>
    public static void Documented(Exception error, string? mentions, params Type[] documented)
    {
        if (!documented.Contains(error.GetType()))
        {
            throw new InvalidOperationException($"Undocumented {error.GetType().FullName}: {error.Message}", error);
        }

        if (string.IsNullOrWhiteSpace(error.Message) || (mentions is not null && !error.Message.Contains(mentions, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"The message '{error.Message}' does not name '{mentions}'.", error);
        }
    }

    // The input in hand and when its check began, read by the watchdog from another thread.
    private sealed class InputWatch
    {
        private readonly Lock _gate = new();
        private long _started = Environment.TickCount64;

        public object? Current { get; private set; }

        public void Start(object? input)
        {
            lock (_gate)
            {
                Current = input;
                _started = Environment.TickCount64;
            }
        }

        public TimeSpan Left(TimeSpan limit)
        {
            lock (_gate)
            {
                return TimeSpan.FromMilliseconds(_started + (long)limit.TotalMilliseconds - Environment.TickCount64);
            }
        }
    }
}
