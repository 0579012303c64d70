using System.CommandLine;
using System.Globalization;
using Cluster.Agents.Core;
using Cluster.Contracts.Clocks;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Cli;

/// <summary>The <c>clock</c> verbs: status, step, run and pause, answered by the cluster's clock source.</summary>
internal static class ClockCommands
{
    // A step is answered once every follower has applied it, which may take a follower timeout.
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    public static Command Create(VerbRunner runner)
    {
        var clock = new Command("clock", "Read and drive the cluster's simulated time (the clock source agent).");
        clock.Add(Status(runner));
        clock.Add(Step(runner));
        clock.Add(Run(runner));
        clock.Add(Pause(runner));
        return clock;
    }

    private static Command Status(VerbRunner runner) =>
        runner.Create("status", "Shows the clock source's mode, time, UTC time, rate, node and followers.", parse => async (client, _) =>
        {
            await Print(runner, parse, await client.AskAsync<ClockStatus>(GetClockStatus.Instance, VerbRunner.AnswerTimeout).ConfigureAwait(false)).ConfigureAwait(false);
            return 0;
        });

    private static Command Step(VerbRunner runner)
    {
        var duration = new Argument<string>("duration") { Description = "How far to advance, e.g. \"100 ms\" or \"1 s\"." };
        return runner.Create("step", "Advances the cluster's time by a duration and leaves the clock in step mode; returns once every follower has applied it.", parse =>
        {
            var text = parse.GetValue(duration)!;
            TimeSpan step;
            try
            {
                step = Duration.Parse(text);
            }
            catch (FormatException e)
            {
                throw new FormatException($"the step: {e.Message}", e);
            }

            if (step <= TimeSpan.Zero)
            {
                throw new ArgumentException($"the step '{text}' must be positive.");
            }

            return async (client, _) =>
            {
                await Print(runner, parse, await client.AskAsync<ClockStatus>(new StepClock(step), StepTimeout).ConfigureAwait(false)).ConfigureAwait(false);
                return 0;
            };
        }, duration);
    }

    private static Command Run(VerbRunner runner)
    {
        var rate = new Option<double?>("--rate") { Description = "Simulated seconds per wall second, e.g. 10 for ten times real time; without it, as fast as the followers allow." };
        return runner.Create("run", "Lets the cluster's time run, as fast as possible or at a given rate.", parse =>
        {
            var given = parse.GetValue(rate);
            if (given is { } r && (!double.IsFinite(r) || r <= 0))
            {
                throw new ArgumentException($"--rate must be a positive number, was {r.ToString(CultureInfo.InvariantCulture)}.");
            }

            return async (client, _) =>
            {
                await Print(runner, parse, await client.AskAsync<ClockStatus>(new RunClock(given ?? 0), VerbRunner.AnswerTimeout).ConfigureAwait(false)).ConfigureAwait(false);
                return 0;
            };
        }, rate);
    }

    private static Command Pause(VerbRunner runner) =>
        runner.Create("pause", "Stops the cluster's time.", parse => async (client, _) =>
        {
            await Print(runner, parse, await client.AskAsync<ClockStatus>(PauseClock.Instance, VerbRunner.AnswerTimeout).ConfigureAwait(false)).ConfigureAwait(false);
            return 0;
        });

    private static async Task Print(VerbRunner runner, System.CommandLine.ParseResult parse, ClockStatus status)
    {
        if (VerbRunner.Json(parse))
        {
            await runner.WriteJsonAsync(status).ConfigureAwait(false);
            return;
        }

        var output = runner.Output;
        await output.WriteLineAsync($"mode: {status.Mode}").ConfigureAwait(false);
        await output.WriteLineAsync($"time: {Seconds(status.Time)} s").ConfigureAwait(false);
        await output.WriteLineAsync($"utc: {status.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}").ConfigureAwait(false);
        var rate = status.Mode != "run" ? "-" : status.Rate == 0 ? "as fast as possible" : $"{Seconds(status.Rate)}x real time";
        await output.WriteLineAsync($"rate: {rate}").ConfigureAwait(false);
        await output.WriteLineAsync($"tick: {status.Sequence}").ConfigureAwait(false);
        await output.WriteLineAsync($"source: {status.Source}").ConfigureAwait(false);
        await output.WriteLineAsync($"followers: {status.Followers.Length}").ConfigureAwait(false);
        foreach (var follower in status.Followers)
        {
            await output.WriteLineAsync($"  {follower.Node} at {Seconds(follower.Time)} s (tick {follower.Sequence})").ConfigureAwait(false);
        }
    }

    private static string Seconds(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
