using System.Runtime.Serialization;
using System.Text;
using Akka.Configuration;
using Cluster.Agents.Commands;
using Cluster.Agents.Core;
using Cluster.Agents.Core.Calls;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Topics;
using Cluster.Agents.Paths;
using Cluster.Agents.Rpc;
using FsCheck.Fluent;
using Xunit;

namespace Cluster.Tests.Fuzz;

public sealed record FuzzPose(double X, double Y, string Frame, int[] Readings);

/// <summary>
/// Every parser of text that reaches a node from outside (operators, configuration, command clients, other nodes),
/// fed <see cref="FuzzBudget.Inputs"/> inputs each: none crashes, hangs, or throws anything but its documented
/// exception with a message that names what was wrong.
/// </summary>
public sealed class ParserFuzzSpec
{
    [Fact]
    public Task Durations_parse_or_fail_with_a_FormatException_quoting_the_text() =>
        Fuzz.CheckAsync(FuzzInputs.Around("100 ms", "2 seconds", "1.5s", "3 m", "0 ns", "7 days", " 5 h "), text =>
        {
            var parsed = Duration.TryParse(text, out var duration);
            try
            {
                Assert.Equal(duration, Duration.Parse(text));
                Assert.True(parsed, $"TryParse refused '{text}' which Parse read");
                Assert.True(duration >= TimeSpan.Zero);
            }
            catch (FormatException e)
            {
                Assert.False(parsed, $"TryParse read '{text}' which Parse refused");
                Fuzz.Documented(e, $"'{text}'", typeof(FormatException));
            }
        });

    [Fact]
    public Task Durations_from_configuration_fail_with_an_error_naming_the_key() =>
        Fuzz.CheckAsync(FuzzInputs.Around("100 ms", "2 seconds", "1.5s", "250ms"), text =>
        {
            try
            {
                ConfigDurations.Parse("cluster-host.some-timeout", text);
            }
            catch (Exception e)
            {
                Fuzz.Documented(e, "cluster-host.some-timeout", typeof(ClusterConfigurationException));
            }
        });

    [Fact]
    public Task Topic_patterns_compile_or_fail_naming_the_pattern_and_never_stall_a_match() =>
        Fuzz.CheckAsync(
            Gen.Zip(FuzzInputs.Around("drive/odometry", "*/heartbeat", "imu/[lr]eft", "a?c", "[!x]*", "[]]", "*a*a*a*a*a*b"), FuzzInputs.Around("drive/odometry", "imu/left", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac")),
            input =>
            {
                var (pattern, topic) = input;
                TopicPattern parsed;
                try
                {
                    parsed = TopicPattern.Parse(pattern);
                }
                catch (Exception e)
                {
                    Fuzz.Documented(e, pattern.Length == 0 ? null : pattern, typeof(ArgumentException));
                    return;
                }

                Assert.Equal(pattern, parsed.Text);
                _ = parsed.Matches(topic);
                if (!parsed.IsGlob)
                {
                    Assert.True(parsed.Matches(pattern));
                }

                try
                {
                    TopicPattern.ValidateTopic(topic);
                }
                catch (Exception e)
                {
                    Fuzz.Documented(e, topic.Length == 0 ? null : topic, typeof(ArgumentException));
                }
            });

    [Fact]
    public Task Agent_addresses_parse_and_round_trip_or_fail_with_a_FormatException_quoting_the_text() =>
        Fuzz.CheckAsync(FuzzInputs.Around("agent://robot@127.0.0.1:4053/7", "agent://robot/planner", "agent://a@host:1/x"), text =>
        {
            try
            {
                var address = AgentAddress.Parse(text);
                Assert.Equal(address, AgentAddress.Parse(address.ToString()));
                Assert.True(AgentAddress.TryParse(text, out _));
            }
            catch (Exception e)
            {
                Fuzz.Documented(e, $"'{text}'", typeof(FormatException));
                Assert.False(AgentAddress.TryParse(text, out _));
            }
        });

    [Fact]
    public async Task The_configuration_loader_reads_a_file_or_fails_naming_it()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}.conf");
        try
        {
            await Fuzz.CheckAsync(
                FuzzInputs.Around(
                    "cluster-host { agents-path = \"x\" }",
                    "akka.remote.dot-netty.tcp.port = 4053\ncluster-host.some-timeout = 5s",
                    "a { b = [1, 2, 3], c = ${a.b} }",
                    "x = \"\"\"multi\nline\"\"\""),
                text =>
                {
                    File.WriteAllBytes(file, Encoding.UTF8.GetBytes(text));
                    Config config;
                    try
                    {
                        config = ClusterHocon.LoadFile(file);
                    }
                    catch (Exception e)
                    {
                        Fuzz.Documented(e, file, typeof(ClusterConfigurationException));
                        return;
                    }

                    try
                    {
                        ConfigDurations.Get(config, "cluster-host.some-timeout", TimeSpan.FromSeconds(1));
                    }
                    catch (Exception e)
                    {
                        Fuzz.Documented(e, "cluster-host.some-timeout", typeof(ClusterConfigurationException));
                    }
                });
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public Task Operator_JSON_payloads_parse_or_fail_with_a_FormatException_and_convert_without_throwing() =>
        Fuzz.CheckAsync(FuzzInputs.Around("{\"X\":1.5,\"Y\":-2,\"Frame\":\"map\",\"Readings\":[1,2]}", "[1,2,3]", "\"text\"", "42", "null", "{\"a\":{\"b\":[true,false]}}"), json =>
        {
            object? untyped = null;
            try
            {
                untyped = JsonPayload.FromJson(json);
            }
            catch (Exception e)
            {
                Fuzz.Documented(e, null, typeof(FormatException));
            }

            try
            {
                JsonPayload.FromJson(json, typeof(FuzzPose));
            }
            catch (Exception e)
            {
                Fuzz.Documented(e, typeof(FuzzPose).FullName, typeof(FormatException));
            }

            foreach (var type in new[] { typeof(int), typeof(double), typeof(string), typeof(FuzzPose), typeof(int[]), typeof(Dictionary<string, object>) })
            {
                ValueConversion.TryConvert(untyped, type, null, out _);
            }
        });

    [Fact]
    public Task Command_strings_split_or_fail_with_a_FormatException() =>
        Fuzz.CheckAsync(FuzzInputs.Around("move x=1 y=2", "say \"hello world\"", "set 'a b' c\\ d", "status"), text =>
        {
            try
            {
                var words = CommandTokenizer.Split(text);
                Assert.All(words, word => Assert.NotNull(word));
            }
            catch (Exception e)
            {
                Fuzz.Documented(e, null, typeof(FormatException));
            }
        });

    [Fact]
    public Task TCP_command_lines_are_read_or_refused_with_a_reason_and_never_throw() =>
        Fuzz.CheckAsync(FuzzInputs.BytesAround("12 move x=1", "status", "  7   say \"hi\"", "99999999999999999999999 x"), line =>
        {
            var error = CommandTcpServer.ParseLine(line, out var id, out var body);
            if (error is null)
            {
                Assert.True(id >= 0);
                Assert.Equal(body.Trim(), body);
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(error));
            }
        });

    [Fact]
    public Task Paths_are_checked_and_resolved_or_fail_with_an_InvalidPathException_naming_them() =>
        Fuzz.CheckAsync(Gen.Zip(FuzzInputs.Around("/robot/arm", "/a", "/", "/a-b/c_d"), FuzzInputs.Around("arm/joint", "../x", "/abs", ".", "..")), input =>
        {
            var (basePath, path) = input;
            try
            {
                Assert.Equal(basePath, PathNames.Check(basePath));
                Assert.True(PathNames.IsValid(basePath));
            }
            catch (Exception e)
            {
                Fuzz.Documented(e, null, typeof(InvalidPathException));
                Assert.False(PathNames.IsValid(basePath));
            }

            try
            {
                Assert.True(PathNames.IsValid(PathNames.Resolve(basePath, path)));
            }
            catch (Exception e)
            {
                Fuzz.Documented(e, null, typeof(InvalidPathException));
            }
        });

    [Fact]
    public async Task A_pathological_glob_matches_a_long_topic_without_backtracking()
    {
        var pattern = TopicPattern.Parse(string.Concat(Enumerable.Repeat("*a", 40)) + "*b");
        var topic = new string('a', 100_000);

        var matched = await Task.Run(() => pattern.Matches(topic)).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.False(matched);
        Assert.True(pattern.Matches(topic + "b"));
    }

    [Fact]
    public void An_invalid_set_in_a_pattern_fails_naming_the_pattern()
    {
        var error = Assert.Throws<ArgumentException>(() => TopicPattern.Parse("imu/[z-a]"));

        Assert.Contains("'imu/[z-a]'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a = [1,}", "does not match the '['")]
    [InlineData("a = [1, 2, @]", ":1:12: HOCON syntax error: '@' must be in a quoted string")]
    [InlineData("a = [1, 2, :0533]", "cannot stand between the values of a list")]
    [InlineData("a {\n  b = \"open", "never closed")]
    [InlineData("a = ${a}", "the substitution ${a} refers back to a value that contains it")]
    [InlineData("a { b = [1, 2, 3],  c = ${%a[[.b} }", ":1:25: HOCON syntax error: the substitution ${%a[[.b} must name a key")]
    [InlineData("a { b = [1, 2, 3], c = ${\"[\"\".b} }", "must name a key as a dotted path")]
    [InlineData("a = ${}", "the substitution ${} must name a key")]
    [InlineData("\"\"\"\"=\"\"\"m\"\"\"[\\\"\"\"", ":1:1: HOCON syntax error: a \"\"\" string cannot be a key")]
    [InlineData("[]\"\"\"\":[?\"\"\"", ":1:3: HOCON syntax error: a \"\"\" string cannot start with a quote")]
    [InlineData("a = 1\na = ${a}", "the substitution ${a} refers back")]
    [InlineData("a = ${?a}", ":1:5: HOCON syntax error: an optional substitution ${?...} is not supported")]
    [InlineData("a { b = ${a} }", "the substitution ${a} refers back")]
    [InlineData("a = [1, ${b}]\nb = { c = ${a} }", "refers back to a value that contains it")]
    public void A_configuration_file_that_would_hang_Akkas_parser_fails_naming_the_file_and_the_place(string text, string problem)
    {
        var file = Path.Combine(Path.GetTempPath(), $"hocon-{Environment.ProcessId}-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, text.Replace("\\n", "\n", StringComparison.Ordinal));
        try
        {
            var error = Assert.Throws<ClusterConfigurationException>(() => ClusterHocon.LoadFile(file));

            Assert.Contains(file, error.Message, StringComparison.Ordinal);
            Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Substitutions_that_do_not_refer_back_are_resolved()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hocon-{Environment.ProcessId}-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "a = { x = 1 }\nb = ${a}\nc = [${a.x}, ${b.x}]\ne = [${c}, ${c}]\n");
        try
        {
            var config = ClusterHocon.LoadFile(file);

            Assert.Equal(1, config.GetInt("b.x"));
            Assert.Equal([1, 1], config.GetIntList("c"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_chain_of_substitutions_deeper_than_the_reader_can_follow_fails_naming_the_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hocon-{Environment.ProcessId}-{Guid.NewGuid():N}.conf");
        File.WriteAllLines(file, ["a0 = 1", .. Enumerable.Range(1, 5_000).Select(i => $"a{i} = ${{a{i - 1}}}")]);
        try
        {
            var error = Assert.Throws<ClusterConfigurationException>(() => ClusterHocon.LoadFile(file));

            Assert.Contains(file, error.Message, StringComparison.Ordinal);
            Assert.Contains("more than 256 deep", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_configuration_file_nested_deeper_than_the_parser_can_follow_fails_instead_of_overflowing_the_stack()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hocon-{Environment.ProcessId}-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "a = " + new string('[', 100_000) + new string(']', 100_000));
        try
        {
            var error = Assert.Throws<ClusterConfigurationException>(() => ClusterHocon.LoadFile(file));

            Assert.Contains("more than 64 deep", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
