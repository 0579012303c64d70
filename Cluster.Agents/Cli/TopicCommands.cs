using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Topics;
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
        runner.Create("list", "Lists the topics published on or subscribed to, and the glob patterns subscribed to, cluster-wide.", parse => async (client, _) =>
        {
            var list = await client.ListTopicsAsync(VerbRunner.AnswerTimeout).ConfigureAwait(false);
            if (VerbRunner.Json(parse))
            {
                await runner.WriteJsonAsync(list).ConfigureAwait(false);
            }
            else
            {
                foreach (var name in list.Topics)
                {
                    await runner.Output.WriteLineAsync(name).ConfigureAwait(false);
                }

                foreach (var pattern in list.Patterns)
                {
                    await runner.Output.WriteLineAsync($"{pattern}  (pattern)").ConfigureAwait(false);
                }
            }

            await runner.WarnSilentAsync(list.Silent, "their topics are").ConfigureAwait(false);
            return 0;
        });

    private static Command Echo(VerbRunner runner)
    {
        var pattern = new Argument<string>("pattern") { Description = "A topic name or glob, e.g. '*/heartbeat'." };
        var count = new Option<int?>("--count") { Description = "Exit after this many messages; without it, run until Ctrl+C." };
        Completions.AddTopics(pattern);
        return runner.Create("echo", "Prints every message on matching topics as one JSON line: topic, sender, publishedAt, payload.", parse =>
        {
            var limit = Checks.Count(parse.GetValue(count), "--count");
            var text = parse.GetValue(pattern)!;
            TopicPattern.Parse(text);
            return async (client, cancellationToken) =>
            {
                var seen = 0;
                await client.EchoAsync(
                    text,
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
            };
        }, pattern, count);
    }

    private static Command Pub(VerbRunner runner)
    {
        var name = new Argument<string>("topic") { Description = "The topic to publish on." };
        var json = new Argument<string>("json") { Description = "The payload as JSON, e.g. '{\"speed\": 1.5}' or '42'." };
        var type = new Option<string?>("--type") { Description = "Read the JSON as this type on the node ('Namespace.Type, Assembly'); by default plain values, lists and dictionaries. Every required field must be given." };
        Completions.AddTopics(name);
        return runner.Create("pub", "Publishes one payload, given as JSON, on a topic.", parse =>
        {
            var topic = parse.GetValue(name)!;
            TopicPattern.ValidateTopic(topic);
            var payload = parse.GetValue(json)!;
            _ = JsonPayload.FromJson(payload);
            var typeName = parse.GetValue(type);
            if (typeName is not null)
            {
                Checks.NotEmpty(typeName, "--type");
            }

            return async (client, _) =>
            {
                await client.PublishJsonAsync(topic, payload, typeName, VerbRunner.AnswerTimeout).ConfigureAwait(false);
                if (VerbRunner.Json(parse))
                {
                    await runner.WriteJsonAsync(new { published = topic, node = client.Node }).ConfigureAwait(false);
                }
                else
                {
                    await runner.Output.WriteLineAsync($"published on {topic}").ConfigureAwait(false);
                }

                return 0;
            };
        }, name, json, type);
    }

    private static Command Hz(VerbRunner runner)
    {
        var pattern = new Argument<string>("pattern") { Description = "A topic name or glob, e.g. 'drive/*'." };
        var seconds = new Option<double>("--seconds") { Description = "How long to measure.", DefaultValueFactory = _ => 5 };
        Completions.AddTopics(pattern);
        return runner.Create("hz", "Measures the message rate of each matching topic over a few seconds.", parse =>
        {
            var window = parse.GetValue(seconds);
            if (!double.IsFinite(window) || window <= 0)
            {
                throw new ArgumentException($"--seconds must be positive, was {window.ToString(CultureInfo.InvariantCulture)}.");
            }

            var text = parse.GetValue(pattern)!;
            TopicPattern.Parse(text);
            return async (client, cancellationToken) =>
            {
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                var clock = TimeProvider.System;
                long started = 0;
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await client.EchoAsync(
                    text,
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
                List<KeyValuePair<string, int>> rates;
                lock (counts)
                {
                    rates = [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal)];
                }

                if (VerbRunner.Json(parse))
                {
                    await runner.WriteJsonAsync(new { seconds = elapsed, topics = rates.Select(r => new { topic = r.Key, count = r.Value, hz = r.Value / elapsed }) }).ConfigureAwait(false);
                    return 0;
                }

                if (rates.Count == 0)
                {
                    runner.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"no messages in {elapsed:0.0} s"));
                }

                foreach (var (topic, count) in rates)
                {
                    runner.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{topic,-40} {count / elapsed,10:0.00} Hz  ({count} in {elapsed:0.0} s)"));
                }

                return 0;
            };
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
