using Cluster.Agents.Cli;
using Cluster.Agents.Operator;
using Cluster.Contracts.Operator;
using Xunit;

namespace Cluster.Tests.Operator;

/// <summary>The operator's input checks that need no cluster: parse errors in our words, required payload fields, nodes that disagree.</summary>
public sealed class OperatorInputSpec
{
    private sealed record Pose(double X, double Speed, string Frame = "map");

    private sealed class Goal
    {
        public required string Name { get; init; }

        public double Tolerance { get; init; }
    }

    [Theory]
    [InlineData("Cannot parse argument 'abc' for option '--port' as expected type 'System.Nullable`1[System.Int32]'.", "--port: 'abc' is not a whole number.")]
    [InlineData("Cannot parse argument 'x' for option '--rate' as expected type 'System.Nullable`1[System.Double]'.", "--rate: 'x' is not a number.")]
    [InlineData("Unrecognized command or argument 'nope'.", "Unrecognized command or argument 'nope'.")]
    public void Parse_errors_are_reworded_without_clr_type_names(string parser, string expected) =>
        Assert.Equal(expected, CommandLineErrors.Reword(parser));

    [Fact]
    public void A_payload_missing_a_positional_field_is_refused_naming_it()
    {
        var error = Assert.Throws<FormatException>(() => RequiredFields.Check("""{"X": 1.0}""", typeof(Pose)));

        Assert.Contains("'Speed'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'Frame'", error.Message.Split(':')[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_given_in_another_case_is_named_as_such()
    {
        var error = Assert.Throws<FormatException>(() => RequiredFields.Check("""{"x": 1.0, "Speed": 2}""", typeof(Pose)));

        Assert.Contains("'X'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'x' was given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_member_is_refused_and_a_complete_payload_passes()
    {
        Assert.Contains("'Name'", Assert.Throws<FormatException>(() => RequiredFields.Check("""{"Tolerance": 1}""", typeof(Goal))).Message, StringComparison.Ordinal);
        RequiredFields.Check("""{"X": 1.0, "Speed": 2}""", typeof(Pose));
        RequiredFields.Check("""{"Name": "dock"}""", typeof(Goal));
    }

    [Fact]
    public void Nodes_that_disagree_on_version_serializers_or_host_clock_mode_are_each_a_finding()
    {
        NodeReport[] reports =
        [
            new("akka.tcp://r@10.0.0.1:4053", "0.1.0 (Akka 1.5.73)", "real", "aaa", "lighthouse"),
            new("akka.tcp://r@10.0.0.2:4053", "0.1.0 (Akka 1.5.73)", "follow", "aaa", "host"),
            new("akka.tcp://r@10.0.0.3:4053", "0.2.0 (Akka 1.5.73)", "real", "bbb", "host"),
        ];

        var kinds = NodeReporting.Compare(reports).Select(f => f.Kind).ToList();

        Assert.Equal(["version mismatch", "serializer mismatch", "clock-mode mismatch"], kinds);
        Assert.Empty(NodeReporting.Compare([reports[0], reports[1] with { ClockMode = "real" }]));
    }
}
