using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Cluster.Agents.Core.Configuration;

namespace Cluster.Agents.Core.Security;

/// <summary>
/// Mutual TLS between nodes (<c>cluster-node.tls</c>): each node presents its own certificate, signed by the
/// cluster's certificate authority, and accepts a connection, in either direction, only from a peer whose certificate
/// that authority signed.
/// </summary>
/// <remarks>
/// Akka's DotNetty transport checks a peer's certificate chain against the machine's trust store; a cluster's own
/// authority is not in it, so the check is replaced by <see cref="ValidateAgainst"/>, which builds the chain with the
/// cluster's authority as its only trusted root. Host names are not checked: nodes are reached by address, and
/// every certificate the authority signed belongs to the cluster.
/// </remarks>
public sealed record ClusterTlsSettings
{
    /// <summary>The HOCON section.</summary>
    public const string Section = "cluster-node.tls";

    /// <summary>Gets whether remoting runs over mutual TLS. <value>The default is off.</value></summary>
    public bool Enabled { get; init; }

    /// <summary>Gets the node's certificate with its private key, a PKCS#12 file (<c>.pfx</c>).</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>Gets the password of <see cref="CertificatePath"/>.</summary>
    public string Password { get; init; } = "";

    /// <summary>Gets the cluster's certificate authority, a PEM or DER certificate file.</summary>
    public string CaCertificatePath { get; init; } = "";

    /// <summary>The environment variable naming the node's certificate; when set, TLS is on whatever the HOCON says.</summary>
    public const string CertificateVariable = "CLUSTER_TLS_CERTIFICATE";

    /// <summary>The environment variable holding the certificate's password.</summary>
    public const string PasswordVariable = "CLUSTER_TLS_PASSWORD";

    /// <summary>The environment variable naming the cluster's certificate authority.</summary>
    public const string CaVariable = "CLUSTER_TLS_CA";

    /// <summary>
    /// Reads the settings from <c>cluster-node.tls</c> of <paramref name="config"/>, with the environment variables
    /// <see cref="CertificateVariable"/>, <see cref="PasswordVariable"/> and <see cref="CaVariable"/> over it.
    /// </summary>
    /// <param name="config">The node's configuration.</param>
    /// <param name="environment">Reads an environment variable; null reads the process's.</param>
    /// <returns>The settings; disabled when neither the section nor the environment turns TLS on.</returns>
    /// <exception cref="ClusterConfigurationException">TLS is on but a file is not set; the message names the key and the variable.</exception>
    public static ClusterTlsSettings Create(Config config, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        environment ??= Environment.GetEnvironmentVariable;
        var section = config.GetConfig(Section);
        var hasSection = section is not null && !section.IsEmpty;
        string Pick(string key, string variable) =>
            environment(variable) is { Length: > 0 } value ? value : hasSection ? section!.GetString(key, "") : "";

        var enabled = (hasSection && section!.GetBoolean("enabled", false)) || !string.IsNullOrEmpty(environment(CertificateVariable));
        if (!enabled)
        {
            return new ClusterTlsSettings();
        }

        var settings = new ClusterTlsSettings
        {
            Enabled = true,
            CertificatePath = Pick("certificate", CertificateVariable),
            Password = Pick("password", PasswordVariable),
            CaCertificatePath = Pick("ca-certificate", CaVariable),
        };
        Require(settings.CertificatePath, "certificate", CertificateVariable, "the node's certificate and private key, a PKCS#12 (.pfx) file");
        Require(settings.CaCertificatePath, "ca-certificate", CaVariable, "the cluster's certificate authority, a PEM file");
        return settings;
    }

    /// <summary>Loads the node's certificate.</summary>
    /// <returns>The certificate with its private key.</returns>
    /// <exception cref="ClusterConfigurationException">The file is missing, unreadable, or holds no private key.</exception>
    public X509Certificate2 LoadCertificate()
    {
        var certificate = Load("certificate", CertificatePath, () => X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, Password));
        return certificate.HasPrivateKey
            ? certificate
            : throw new ClusterConfigurationException($"{Section}.certificate", CertificatePath, "holds no private key: export the node's certificate with its key (openssl pkcs12 -export).");
    }

    /// <summary>Loads the cluster's certificate authority.</summary>
    /// <returns>The authority's certificate.</returns>
    /// <exception cref="ClusterConfigurationException">The file is missing or unreadable.</exception>
    public X509Certificate2 LoadCa() =>
        Load("ca-certificate", CaCertificatePath, () => X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath));

    /// <summary>
    /// Gets a check of a peer's certificate for Akka's DotNetty transport that accepts only certificates that
    /// <paramref name="ca"/> signed (directly or through intermediates the peer sends), valid now.
    /// </summary>
    /// <param name="ca">The cluster's certificate authority.</param>
    /// <returns>The check; it logs each refusal with the peer and the reason.</returns>
    public static CertificateValidationCallback ValidateAgainst(X509Certificate2 ca)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return (certificate, chain, peer, errors, log) =>
        {
            if (certificate is null)
            {
                log?.Warning("Refused a TLS connection with {0}: it presented no certificate ({1}).", peer, errors);
                return false;
            }

            using var check = new X509Chain();
            check.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            check.ChainPolicy.CustomTrustStore.Add(ca);
            check.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    check.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (check.Build(certificate))
            {
                return true;
            }

            var reasons = string.Join("; ", check.ChainStatus.Select(status => status.StatusInformation.Trim()).Where(text => text.Length > 0));
            log?.Warning(
                "Refused a TLS connection with {0}: its certificate '{1}' is not signed by the cluster's certificate authority '{2}' ({3}).",
                peer, certificate.Subject, ca.Subject, reasons.Length == 0 ? "untrusted chain" : reasons);
            return false;
        };
    }

    private static void Require(string value, string key, string variable, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ClusterConfigurationException($"{Section}.{key}", null, $"must be set (or the environment variable {variable}) when TLS is on: {what}.");
        }
    }

    private static X509Certificate2 Load(string key, string path, Func<X509Certificate2> load)
    {
        if (!File.Exists(path))
        {
            throw new ClusterConfigurationException($"{Section}.{key}", path, "no such file.");
        }

        try
        {
            return load();
        }
        catch (CryptographicException e)
        {
            throw new ClusterConfigurationException($"{Section}.{key}", path, $"cannot be read as a certificate: {e.Message}", e);
        }
    }
}
