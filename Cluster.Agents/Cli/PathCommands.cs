using System.Collections.Immutable;
using System.CommandLine;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Paths;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Cli;

/// <summary>The path verbs: <c>paths</c>, <c>state get|set|watch</c>, <c>action call</c>, <c>event listen</c>, <c>prop get|set</c>. JSON in, JSON out.</summary>
internal static class PathCommands
{
    public static IEnumerable<Command> Create(VerbRunner runner)
    {
        yield return List(runner);

        var state = new Command("state", "Get, set or watch an ESHET state.");
        state.Add(Get(runner, PathVerb.StateGet, "Prints a state's value as JSON; an unknown state fails with state_unknown."));
        state.Add(Set(runner, PathVerb.StateSet, "Sets a state through its owner's setter."));
        state.Add(Watch(runner, isEvent: false));
        yield return state;

        var action = new Command("action", "Call an ESHET action.");
        action.Add(Call(runner));
        yield return action;

        var events = new Command("event", "Listen to an ESHET event.");
        events.Add(Watch(runner, isEvent: true));
        yield return events;

        var prop = new Command("prop", "Get or set an ESHET property.");
        prop.Add(Get(runner, PathVerb.PropertyGet, "Prints a property's value as JSON."));
        prop.Add(Set(runner, PathVerb.PropertySet, "Sets a property through its owner's setter."));
        yield return prop;
    }

    private static Argument<string> PathArgument() => new("path") { Description = "An absolute path, e.g. /rover/battery/voltage." };

    private static Option<string> DeadlineOption() => new("--deadline") { Description = "How long the operation may take, e.g. \"2 s\".", DefaultValueFactory = _ => "5 s" };

    // Bad input is refused before anything is asked, so it exits 2 rather than 1.
    private static string CheckPath(string path) =>
        PathNames.IsValid(path) ? path : throw new ArgumentException($"the path '{path}' is not valid: paths match ^(/[A-Za-z0-9_-]+)+$, e.g. /rover/arm/home.");

    private static string CheckJson(string json)
    {
        JsonPayload.FromJson(json);
        return json;
    }

    private static Command List(VerbRunner runner) =>
        runner.Create("paths", "Prints the tree of registered ESHET paths, with each leaf's kind, owner and node.", parse => async (client, _) =>
        {
            var list = await client.AskAsync<PathList>(new PathRequest(PathVerb.List, "/", [], VerbRunner.AnswerTimeout), VerbRunner.AnswerTimeout).ConfigureAwait(false);
            if (VerbRunner.Json(parse))
            {
                await runner.WriteJsonAsync(list).ConfigureAwait(false);
                return 0;
            }

            foreach (var line in Tree(list.Paths))
            {
                await runner.Output.WriteLineAsync(line).ConfigureAwait(false);
            }

            return 0;
        });

    /// <summary>Renders paths as an indented tree: directories end with <c>/</c>, leaves carry their kind, owner and node.</summary>
    internal static IEnumerable<string> Tree(IEnumerable<PathListing> paths)
    {
        var printed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listing in paths.OrderBy(p => p.Path, StringComparer.Ordinal))
        {
            var segments = listing.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var depth = 0; depth < segments.Length - 1; depth++)
            {
                var directory = "/" + string.Join('/', segments[..(depth + 1)]);
                if (printed.Add(directory))
                {
                    yield return $"{new string(' ', depth * 2)}{segments[depth]}/";
                }
            }

            yield return $"{new string(' ', (segments.Length - 1) * 2)}{segments[^1]}  {listing.Kind}  owner {listing.Owner} on {listing.Node}";
        }
    }

    private static Command Get(VerbRunner runner, PathVerb verb, string description)
    {
        var path = PathArgument();
        var deadline = DeadlineOption();
        return runner.Create("get", description, parse =>
        {
            var checkedPath = CheckPath(parse.GetValue(path)!);
            var wait = Checks.Deadline(parse.GetValue(deadline)!, "--deadline");
            return async (client, _) =>
            {
                var answer = await AskAsync(client, verb, checkedPath, [], wait).ConfigureAwait(false);
                await runner.Output.WriteLineAsync(answer.Json).ConfigureAwait(false);
                return 0;
            };
        }, path, deadline);
    }

    private static Command Set(VerbRunner runner, PathVerb verb, string description)
    {
        var path = PathArgument();
        var value = new Argument<string>("value") { Description = "The value, one JSON value: 1.5, '\"text\"', '{\"a\":1}'." };
        var deadline = DeadlineOption();
        return runner.Create("set", description, parse =>
        {
            var checkedPath = CheckPath(parse.GetValue(path)!);
            ImmutableArray<string> json = [CheckJson(parse.GetValue(value)!)];
            var wait = Checks.Deadline(parse.GetValue(deadline)!, "--deadline");
            return async (client, _) =>
            {
                await AskAsync(client, verb, checkedPath, json, wait).ConfigureAwait(false);
                if (VerbRunner.Json(parse))
                {
                    await runner.WriteJsonAsync(new { set = checkedPath }).ConfigureAwait(false);
                }

                return 0;
            };
        }, path, value, deadline);
    }

    private static Command Call(VerbRunner runner)
    {
        var path = PathArgument();
        var args = new Argument<string[]>("args") { Description = "The arguments, each one JSON value.", Arity = ArgumentArity.ZeroOrMore };
        var deadline = DeadlineOption();
        return runner.Create("call", "Calls an action with arguments given as JSON and prints its result as JSON.", parse =>
        {
            var checkedPath = CheckPath(parse.GetValue(path)!);
            var jsonArgs = (parse.GetValue(args) ?? []).Select(CheckJson).ToImmutableArray();
            var wait = Checks.Deadline(parse.GetValue(deadline)!, "--deadline");
            return async (client, _) =>
            {
                var answer = await AskAsync(client, PathVerb.ActionCall, checkedPath, jsonArgs, wait).ConfigureAwait(false);
                await runner.Output.WriteLineAsync(answer.Json).ConfigureAwait(false);
                return 0;
            };
        }, path, args, deadline);
    }

    private static Command Watch(VerbRunner runner, bool isEvent)
    {
        var path = PathArgument();
        var count = new Option<int?>("--count") { Description = "Exit after this many lines (a state's current value counts); without it, run until Ctrl+C." };
        var description = isEvent
            ? "Prints each event's payload as one JSON line."
            : "Prints a state's current value, then each change, as one JSON line each: {\"known\":true,\"value\":...} or {\"known\":false}.";
        return runner.Create(isEvent ? "listen" : "watch", description, parse =>
        {
            var checkedPath = CheckPath(parse.GetValue(path)!);
            var limit = Checks.Count(parse.GetValue(count), "--count");
            return (client, cancellationToken) => WatchAsync(runner, client, checkedPath, isEvent, limit, cancellationToken);
        }, path, count);
    }

    private static async Task<int> WatchAsync(VerbRunner runner, Agents.Operator.OperatorClient client, string checkedPath, bool isEvent, int? limit, CancellationToken cancellationToken)
    {
        {

            var lines = 0;
            bool Print(string json)
            {
                runner.Output.WriteLine(json);
                runner.Output.Flush();
                return limit is null || ++lines < limit;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await client.WatchPathAsync(
                checkedPath,
                isEvent,
                initial =>
                {
                    if (initial is not null && !Print(initial))
                    {
                        stop.Cancel();
                    }
                },
                seen => Print(seen.Json),
                VerbRunner.AnswerTimeout + TimeSpan.FromSeconds(5),
                stop.Token).ConfigureAwait(false);
            return 0;
        }
    }

    private static Task<PathAnswered> AskAsync(Agents.Operator.OperatorClient client, PathVerb verb, string path, ImmutableArray<string> jsonArgs, TimeSpan wait)
    {
        return client.AskAsync<PathAnswered>(new PathRequest(verb, path, jsonArgs, wait), wait + TimeSpan.FromSeconds(2));
    }
}
