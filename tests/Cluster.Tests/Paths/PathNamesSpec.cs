using Cluster.Agents.Paths;
using Xunit;

namespace Cluster.Tests.Paths;

public sealed class PathNamesSpec
{
    [Theory]
    [InlineData("/rover")]
    [InlineData("/rover/arm/home")]
    [InlineData("/a_b/c-d/E9")]
    public void A_path_of_segments_of_letters_digits_underscores_and_dashes_is_valid(string path) =>
        Assert.Equal(path, PathNames.Check(path));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("rover")]
    [InlineData("/rover/")]
    [InlineData("/rover//arm")]
    [InlineData("/rover/arm home")]
    [InlineData("/rover/*")]
    public void Anything_else_is_refused_with_an_error_naming_the_path(string path)
    {
        var error = Assert.Throws<InvalidPathException>(() => PathNames.Check(path));

        Assert.Equal(path, error.Path);
        Assert.Equal("invalid_path", error.ErrorName);
        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", "rover", "/rover")]
    [InlineData("/rover", "arm/home", "/rover/arm/home")]
    [InlineData("/rover", "/other/x", "/other/x")]
    public void A_relative_path_resolves_against_the_base_and_an_absolute_one_stays(string basePath, string path, string expected) =>
        Assert.Equal(expected, PathNames.Resolve(basePath, path));

    [Fact]
    public void A_relative_path_that_gives_an_invalid_path_is_refused_naming_both()
    {
        var error = Assert.Throws<InvalidPathException>(() => PathNames.Resolve("/rover", "arm//home"));

        Assert.Contains("'arm//home'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'/rover'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_under_a_directory_is_told_apart_from_a_sibling_with_a_common_prefix()
    {
        Assert.True(PathNames.IsUnder("/rover/arm", "/rover"));
        Assert.False(PathNames.IsUnder("/rover2/arm", "/rover"));
        Assert.False(PathNames.IsUnder("/rover", "/rover"));
    }
}
