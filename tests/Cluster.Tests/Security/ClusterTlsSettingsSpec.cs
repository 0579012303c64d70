using Akka.Configuration;
using Cluster.Agents.Core.Configuration;
using Cluster.Agents.Core.Security;
using Xunit;

namespace Cluster.Tests.Security;

public sealed class ClusterTlsSettingsSpec
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void TLS_is_off_by_default() =>
        Assert.False(ClusterTlsSettings.Create(ClusterHocon.Host, NoEnvironment).Enabled);

    [Fact]
    public void The_HOCON_section_turns_it_on_with_its_files()
    {
        var config = ConfigurationFactory.ParseString("""cluster-node.tls { enabled = on, certificate = "a.pfx", password = "p", ca-certificate = "ca.crt" }""")
            .WithFallback(ClusterHocon.Host);

        var settings = ClusterTlsSettings.Create(config, NoEnvironment);

        Assert.Equal(new ClusterTlsSettings { Enabled = true, CertificatePath = "a.pfx", Password = "p", CaCertificatePath = "ca.crt" }, settings);
    }

    [Fact]
    public void The_environment_turns_it_on_and_wins_over_the_HOCON()
    {
        var config = ConfigurationFactory.ParseString("""cluster-node.tls { certificate = "hocon.pfx", ca-certificate = "hocon-ca.crt" }""")
            .WithFallback(ClusterHocon.Host);
        var environment = new Dictionary<string, string>
        {
            [ClusterTlsSettings.CertificateVariable] = "env.pfx",
            [ClusterTlsSettings.PasswordVariable] = "secret",
        };

        var settings = ClusterTlsSettings.Create(config, name => environment.GetValueOrDefault(name));

        Assert.Equal(new ClusterTlsSettings { Enabled = true, CertificatePath = "env.pfx", Password = "secret", CaCertificatePath = "hocon-ca.crt" }, settings);
    }

    [Fact]
    public void TLS_on_without_an_authority_fails_naming_the_key_and_the_variable()
    {
        var config = ConfigurationFactory.ParseString("""cluster-node.tls { enabled = on, certificate = "a.pfx" }""").WithFallback(ClusterHocon.Host);

        var error = Assert.Throws<ClusterConfigurationException>(() => ClusterTlsSettings.Create(config, NoEnvironment));

        Assert.Equal("cluster-node.tls.ca-certificate", error.Key);
        Assert.Contains(ClusterTlsSettings.CaVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_certificate_file_fails_naming_the_key_and_the_file()
    {
        var settings = new ClusterTlsSettings { Enabled = true, CertificatePath = "/nonexistent/node.pfx", CaCertificatePath = "/nonexistent/ca.crt" };

        var error = Assert.Throws<ClusterConfigurationException>(settings.LoadCertificate);

        Assert.Equal("cluster-node.tls.certificate", error.Key);
        Assert.Contains("/nonexistent/node.pfx", error.Message, StringComparison.Ordinal);
    }
}
