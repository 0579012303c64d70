using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Operator;
using Cluster.Contracts.Operator;

namespace Cluster.Agents.Cli;

/// <summary>The <c>topic</c> verbs: list, echo, pub and hz.</summary>
internal static class TopicCommands
{
    public static Command Create(VerbRunner runner)
    {
        var topic = new Command("topic", "Inspect and use the cluster's topics.");
        topic.Add(List(runner));
        topic.Add(Echo(runner));
        topic.Add(Pub(runner));
        topic.Add(Hz(runner));
        return topic;
    }

    private static Command List(VerbRunner runner) =>
        runner.Create("list", "Lists the topics published on or subscribed to, and the glob patterns subscribed to, cluster-wide.", async (_, client, _) =>
        {
            var list = await client.ListTopicsAsync(VerbRunner.AnswerTimeout).ConfigureAwait(false);
            foreach (var name in list.Topics)
            {
                await runner.Output.WriteLineAsync(name).ConfigureAwait(false);
            }

            foreach (var pattern in list.Patterns)
            {
                await runner.Output.WriteLineAsync($"{pattern}  (pattern)").ConfigureAwait(false);
            }

            await runner.WarnSilentAsync(list.Silent, "their topics are").ConfigureAwait(false);
            return 0;
        });

    private static Command Echo(VerbRunner runner)
    {
        var pattern = new Argument<string>("pattern") { Description = "A topic name or glob, e.g. '*/heartbeat'." };
        var count = new Option<int?>("--count") { Description = "Exit after this many messages; without it, run until Ctrl+C." };
        return runner.Create("echo", "Prints every message on matching topics as one JSON line: topic, sender, publishedAt, payload.", async (parse, client, cancellationToken) =>
        {
            var limit = parse.GetValue(count);
            if (limit is <= 0)
            {
                throw new ArgumentException($"--count must be positive, was {limit}.");
            }

            var seen = 0;
            TopicPattern.Parse(parse.GetValue(pattern)!);
            await client.EchoAsync(
                parse.GetValue(pattern)!,
                () => { },
                message =>
                {
                    runner.Output.WriteLine(ToJsonLine(message));
                    runner.Output.Flush();
                    return limit is null || ++seen < limit;
                },
                VerbRunner.AnswerTimeout,
                cancellationToken).ConfigureAwait(false);
            return 0;
        }, pattern, count);
    }

    private static Command Pub(VerbRunner runner)
    {
        var name = new Argument<string>("topic") { Description = "The topic to publish on." };
        var json = new Argument<string>("json") { Description = "The payload as JSON, e.g. '{\"speed\": 1.5}' or '42'." };
        var type = new Option<string?>("--type") { Description = "Read the JSON as this type on the node ('Namespace.Type, Assembly'); by default plain values, lists and dictionaries." };
        return runner.Create("pub", "Publishes one payload, given as JSON, on a topic.", async (parse, client, cancellationToken) =>
        {
            var payload = parse.GetValue(json)!;
            _ = JsonPayload.FromJson(payload);
            await client.PublishJsonAsync(parse.GetValue(name)!, payload, parse.GetValue(type), VerbRunner.AnswerTimeout).ConfigureAwait(false);
            await runner.Output.WriteLineAsync($"published on {parse.GetValue(name)}").ConfigureAwait(false);
            return 0;
        }, name, json, type);
    }

    private static Command Hz(VerbRunner runner)
    {
        var pattern = new Argument<string>("pattern") { Description = "A topic name or glob, e.g. 'drive/*'." };
        var seconds = new Option<double>("--seconds") { Description = "How long to measure.", DefaultValueFactory = _ => 5 };
        return runner.Create("hz", "Measures the message rate of each matching topic over a few seconds.", async (parse, client, cancellationToken) =>
        {
            var window = parse.GetValue(seconds);
            if (window <= 0)
            {
                throw new ArgumentException($"--seconds must be positive, was {window}.");
            }

            TopicPattern.Parse(parse.GetValue(pattern)!);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var clock = TimeProvider.System;
            long started = 0;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await client.EchoAsync(
                parse.GetValue(pattern)!,
                () =>
                {
                    started = clock.GetTimestamp();
                    stop.CancelAfter(TimeSpan.FromSeconds(window));
                },
                message =>
                {
                    lock (counts)
                    {
                        counts[message.Topic] = counts.GetValueOrDefault(message.Topic) + 1;
                    }

                    return true;
                },
                VerbRunner.AnswerTimeout,
                stop.Token).ConfigureAwait(false);
            var elapsed = clock.GetElapsedTime(started).TotalSeconds;
            lock (counts)
            {
                if (counts.Count == 0)
                {
                    runner.Output.WriteLine($"no messages in {elapsed:0.0} s");
                }

                foreach (var (topic, count) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    runner.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{topic,-40} {count / elapsed,10:0.00} Hz  ({count} in {elapsed:0.0} s)"));
                }
            }

            return 0;
        }, pattern, seconds);
    }

    private static string ToJsonLine(EchoedMessage message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("topic", message.Topic);
            writer.WriteString("sender", message.Sender);
            writer.WriteString("publishedAt", message.PublishedAt);
            writer.WritePropertyName("payload");
            writer.WriteRawValue(message.PayloadJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
