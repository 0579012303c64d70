using Cluster.Agents.Core.Topics;
using Xunit;

namespace Cluster.Tests.Topics;

public sealed class TopicPatternSpec
{
    [Theory]
    [InlineData("drive/odometry", "drive/odometry", true)]
    [InlineData("drive/odometry", "drive/odometryx", false)]
    [InlineData("*/heartbeat", "drive/heartbeat", true)]
    [InlineData("*/heartbeat", "a/b/heartbeat", true)]
    [InlineData("*/heartbeat", "heartbeat", false)]
    [InlineData("drive/*", "drive/", true)]
    [InlineData("drive/*", "drive/odometry/x", true)]
    [InlineData("*", "anything/at/all", true)]
    [InlineData("imu/?eft", "imu/left", true)]
    [InlineData("imu/?eft", "imu/eft", false)]
    [InlineData("imu/[lr]eft", "imu/left", true)]
    [InlineData("imu/[lr]eft", "imu/reft", true)]
    [InlineData("imu/[lr]eft", "imu/xeft", false)]
    [InlineData("imu/[!lr]eft", "imu/xeft", true)]
    [InlineData("imu/[!lr]eft", "imu/left", false)]
    [InlineData("cam[0-9]/image", "cam3/image", true)]
    [InlineData("cam[0-9]/image", "camx/image", false)]
    [InlineData("a.b", "aXb", false)]
    [InlineData("a+b(c)", "a+b(c)", true)]
    [InlineData("x[]]y", "x]y", true)]
    public void Matches_follows_fnmatch_rules(string pattern, string topic, bool matches) =>
        Assert.Equal(matches, TopicPattern.Parse(pattern).Matches(topic));

    [Theory]
    [InlineData("drive/odometry", false)]
    [InlineData("*/x", true)]
    [InlineData("a?", true)]
    [InlineData("[ab]", true)]
    public void A_pattern_is_a_glob_only_with_wildcards(string pattern, bool isGlob) =>
        Assert.Equal(isGlob, TopicPattern.Parse(pattern).IsGlob);

    [Theory]
    [InlineData("imu/[lr")]
    [InlineData("x[")]
    [InlineData("x[!")]
    [InlineData("x[]")]
    [InlineData("x[!]")]
    public void An_unclosed_set_is_refused_naming_the_pattern(string pattern)
    {
        var error = Assert.Throws<ArgumentException>(() => TopicPattern.Parse(pattern));

        Assert.Contains($"'{pattern}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_pattern_is_refused() =>
        Assert.Throws<ArgumentException>(() => TopicPattern.Parse(""));

    [Theory]
    [InlineData("drive/*")]
    [InlineData("a?b")]
    [InlineData("a[b")]
    [InlineData("a]b")]
    public void A_topic_name_with_wildcards_is_refused_naming_it(string topic)
    {
        var error = Assert.Throws<ArgumentException>(() => TopicPattern.ValidateTopic(topic));

        Assert.Contains($"'{topic}'", error.Message, StringComparison.Ordinal);
    }
}
