using System.CommandLine;
using Cluster.Agents.Core.Calls;

namespace Cluster.Agents.Cli;

/// <summary>The <c>call</c> verb: request an endpoint of a device, or a member of an agent given by its address, and print the answer as JSON.</summary>
internal static class CallCommand
{
    public static Command Create(VerbRunner runner)
    {
        var device = new Argument<string>("device") { Description = "The device's name, e.g. drive, or an agent's address, e.g. agent://robot@127.0.0.1:4053/7." };
        var endpoint = new Argument<string>("endpoint") { Description = "The endpoint, e.g. speed, or the agent member's path, e.g. eggs/cook." };
        var args = new Argument<string[]>("args") { Description = "The arguments, each one JSON value: 1.5, '\"text\"', '[1,2]'.", Arity = ArgumentArity.ZeroOrMore };
        var deadline = new Option<string>("--deadline") { Description = "How long the call may take, e.g. \"2 s\".", DefaultValueFactory = _ => "5 s" };
        Completions.AddTargets(device);
        return runner.Create("call", "Calls an endpoint of a device, or an exposed member of an agent by address and path, and prints the answer as JSON.", parse =>
        {
            var jsonArgs = parse.GetValue(args) ?? [];
            foreach (var json in jsonArgs)
            {
                JsonPayload.FromJson(json);
            }

            var wait = Checks.Deadline(parse.GetValue(deadline)!, "--deadline");
            var target = Checks.NotEmpty(parse.GetValue(device)!, "device");
            var name = Checks.NotEmpty(parse.GetValue(endpoint)!, "endpoint");
            return async (client, _) =>
            {
                var answer = await client.CallAsync(target, name, jsonArgs, wait).ConfigureAwait(false);
                await runner.Output.WriteLineAsync(answer).ConfigureAwait(false);
                return 0;
            };
        }, device, endpoint, args, deadline);
    }
}
