using FsCheck;
using FsCheck.Fluent;

namespace Cluster.Tests.Fuzz;

/// <summary>Runs a fuzz property over <see cref="FuzzBudget.Inputs"/> inputs, failing on the first input that breaks it.</summary>
internal static class Fuzz
{
    /// <summary>Checks <paramref name="property"/> on inputs from <paramref name="inputs"/>.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <param name="inputs">The generator.</param>
    /// <param name="property">Throws when an input shows a defect (a crash, an undocumented exception, an unclear message).</param>
    /// <returns>A task that completes when every input passed.</returns>
    public static async Task CheckAsync<T>(Gen<T> inputs, Action<T> property)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(FuzzBudget.Inputs).WithEndSize(200).WithQuietOnSuccess(true);
        object? current = null;
        var run = Task.Run(() => Check.One(config, Prop.ForAll(inputs.ToArbitrary(), (T input) =>
        {
            Volatile.Write(ref current, input);
            property(input);
        })));
        // A hang is a defect too: no parser may take longer than this for the whole budget (about 1 ms per input, at least 10 minutes).
        var limit = TimeSpan.FromMinutes(Math.Max(10, FuzzBudget.Inputs / 60_000.0));
        try
        {
            await run.WaitAsync(limit);
        }
        catch (TimeoutException e)
        {
            // The input in hand when the budget ran out is the one to try first: a parser that never returns is still on it.
            throw new TimeoutException($"The fuzz run did not end within {limit.TotalMinutes:0.#} min; the input being checked: {Describe(Volatile.Read(ref current))}", e);
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
}
