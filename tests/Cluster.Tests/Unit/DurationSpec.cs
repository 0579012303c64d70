using Cluster.Agents.Core;
using Xunit;

namespace Cluster.Tests.Unit;

public sealed class DurationSpec
{
    [Theory]
    [InlineData("100 ms", 0.1)]
    [InlineData("20ms", 0.02)]
    [InlineData("1 s", 1)]
    [InlineData("2 seconds", 2)]
    [InlineData("1 second", 1)]
    [InlineData("1 m", 60)]
    [InlineData("1 minute", 60)]
    [InlineData("3 minutes", 180)]
    [InlineData("1 millisecond", 0.001)]
    [InlineData("5 milliseconds", 0.005)]
    [InlineData("1.5 s", 1.5)]
    [InlineData("  10 MS ", 0.01)]
    [InlineData("100ms", 0.1)]
    [InlineData("50 us", 0.00005)]
    [InlineData("0.05ms", 0.00005)]
    [InlineData("2 hours", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("0s", 0)]
    public void Parse_reads_numbers_with_units(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Duration.Parse(text));

    [Theory]
    [InlineData("5")]
    [InlineData("0.5")]
    [InlineData(" 2 ")]
    public void Parse_refuses_a_bare_number_saying_to_add_a_unit(string text)
    {
        var error = Assert.Throws<FormatException>(() => Duration.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs a unit", error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{text.Trim()} ms\"", error.Message, StringComparison.Ordinal);
        Assert.False(Duration.TryParse(text, out _));
    }

    [Theory]
    [InlineData("1 ps")]
    [InlineData("invalid")]
    [InlineData("")]
    [InlineData("-1 s")]
    [InlineData("1 s 2")]
    [InlineData("s")]
    [InlineData("1,5 s")]
    public void Parse_refuses_anything_else_naming_the_input(string text)
    {
        var error = Assert.Throws<FormatException>(() => Duration.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSeconds_refuses_negative_and_non_finite_numbers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Duration.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Duration.FromSeconds(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Duration.FromSeconds(double.PositiveInfinity));
        Assert.Equal(TimeSpan.FromMilliseconds(250), Duration.FromSeconds(0.25));
    }
}
