using Cluster.Agents.Core.Configuration;
using Xunit;

namespace Cluster.Tests.Operator;

/// <summary>HOCON syntax errors are found before the parser and named with the file, line and column.</summary>
public sealed class HoconSyntaxSpec
{
    [Theory]
    [InlineData("a {\n  b = 1\nc = 2\n", "f.conf:1:3", "this '{' is never closed")]
    [InlineData("a { b = 1 }}}}\n", "f.conf:1:12", "closes nothing")]
    [InlineData("a = [ ,, ]\n", "f.conf:1:7", "an empty element in a list")]
    [InlineData("a {\n  b =\n}\n", "f.conf:2:5", "a value is missing after '='")]
    [InlineData("a = [1, 2}\n", "f.conf:1:10", "does not match the '['")]
    [InlineData("a = \"open\nb = 1\n", "f.conf:1:5", "not closed before the end of its line")]
    [InlineData("a {\n  b = [1, 2, @]\n}\n", "f.conf:2:14", "'@' must be in a quoted string")]
    [InlineData("a = [1, b = 2]\n", "f.conf:1:11", "'=' cannot stand between the values of a list")]
    [InlineData("a {\n  password = ${?CLUSTER_TLS_PASSWORD}\n}\n", "f.conf:2:14", "an optional substitution ${?...} is not supported")]
    public void A_syntax_error_is_named_with_its_line_and_column(string text, string place, string problem)
    {
        var error = Assert.Throws<ClusterConfigurationException>(() => HoconSyntax.Check(text, "f.conf"));

        Assert.Equal(place, error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a { b = 1, c = [1, 2, ], d = \"x}\" }\n")]
    [InlineData("# a comment with { and [\na = ${x.y}\nb = \"\"\"a { triple\n quoted ] string\"\"\"\n")]
    [InlineData("a.b.c = \"akka.tcp://robot@127.0.0.1:4053\"\nhost = 10.0.0.1:4053 // trailing\nlist = [\n  { x = 1 }\n  { y = 2 }\n]\n")]
    public void Valid_hocon_passes(string text) => HoconSyntax.Check(text, "f.conf");

    [Fact]
    public void Every_hocon_file_of_the_repository_passes()
    {
        var folder = Path.Combine(Cluster.Tests.EndToEnd.NodeProcess.RepositoryRoot, "hocon");
        var files = Directory.GetFiles(folder, "*.conf", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(Cluster.Tests.EndToEnd.NodeProcess.RepositoryRoot, "Cluster.Agents"), "*.conf", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            HoconSyntax.Check(File.ReadAllText(file), file);
        }
    }

    [Fact]
    public void A_file_the_reader_does_not_finish_in_time_is_refused_naming_the_file()
    {
        // A large valid file and no time at all stand in for a text Akka's reader loops on, which the scanner refuses.
        var text = string.Concat(Enumerable.Range(0, 100_000).Select(i => $"key{i} = {i}\n"));

        var error = Assert.Throws<ClusterConfigurationException>(() => ClusterHocon.Parse(text, "slow.conf", TimeSpan.Zero));

        Assert.Equal("--config", error.Key);
        Assert.Equal("slow.conf", error.Value);
        Assert.Contains("did not finish reading it within 0 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_read_within_the_limit_gives_its_settings()
    {
        var config = ClusterHocon.Parse("a { b = 42 }\n", "fine.conf", ClusterHocon.ParseLimit);

        Assert.Equal(42, config.GetInt("a.b"));
    }
}
