using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LavaAccel.Service.Security;

/// <summary>
/// The cluster's own certificate authority for mTLS between the controller and compute nodes
/// (<c>lava certs init</c>): an ECDSA P-256 CA, a controller certificate for its node endpoint (its
/// addresses as SANs) and one client certificate per node, whose common name is the node's name.
/// PEM files under <c>DIR/certs</c>; private keys are mode 600.
/// </summary>
public sealed class CertificateAuthority
{
    private const string CaName = "ca";
    private const string ControllerName = "controller";

    private CertificateAuthority(string directory, X509Certificate2 certificate)
    {
        Directory = directory;
        Certificate = certificate;
    }

    /// <summary>Where the PEM files are.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate (with its key when loaded for issuing).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates directory of a service data directory.</summary>
    public static string DirectoryIn(string dataDirectory) => Path.Combine(dataDirectory, "certs");

    /// <summary>Opens the CA in <paramref name="directory"/>, creating it when missing.</summary>
    public static CertificateAuthority OpenOrCreate(string directory)
    {
        LavaAccel.Host.PrivateFiles.Directory(directory);
        var crt = Path.Combine(directory, CaName + ".crt");
        var key = Path.Combine(directory, CaName + ".key");
        if (File.Exists(crt) && File.Exists(key))
        {
            return new CertificateAuthority(directory, X509Certificate2.CreateFromPemFile(crt, key));
        }
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=lava cluster CA", ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        Write(crt, key, ca, ecdsa);
        return new CertificateAuthority(directory, ca);
    }

    /// <summary>Opens an existing CA's certificate (no key needed) for validating peers.</summary>
    public static X509Certificate2 LoadCertificate(string path) =>
        File.Exists(path) ? X509Certificate2.CreateFromPem(File.ReadAllText(path)) : throw new LavaException($"CA certificate '{path}' does not exist (run `lava certs init`)");

    /// <summary>Issues the controller's server certificate for <paramref name="hosts"/> (IP addresses or DNS names).</summary>
    public (string Certificate, string Key) IssueController(IEnumerable<string> hosts)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts.Append("127.0.0.1").Append("localhost").Distinct(StringComparer.Ordinal))
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }
        return Issue(ControllerName, "lava controller", names.Build(), new Oid(ServerAuth));
    }

    /// <summary>Issues the client certificate of node <paramref name="name"/>.</summary>
    public (string Certificate, string Key) IssueNode(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new LavaException($"'{name}' is not a node name (letters, digits, - _ .)");
        }
        return Issue("node-" + name, name, null, new Oid(ClientAuth));
    }

    /// <summary>The controller's certificate files.</summary>
    public static (string Certificate, string Key) ControllerFiles(string directory) =>
        (Path.Combine(directory, ControllerName + ".crt"), Path.Combine(directory, ControllerName + ".key"));

    /// <summary>Extended key usage of node (client) certificates.</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>Extended key usage of the controller's (server) certificate.</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>
    /// Whether <paramref name="peer"/> was issued by <paramref name="ca"/>, is in its validity period
    /// and is meant for <paramref name="usage"/> (a node's certificate cannot pose as the controller).
    /// </summary>
    public static bool Validates(X509Certificate2 ca, X509Certificate2 peer, string usage)
    {
        var usages = peer.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value);
        if (!usages.Contains(usage))
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return chain.Build(peer) && chain.ChainElements[^1].Certificate.Thumbprint == ca.Thumbprint;
    }

    /// <summary>The node name a client certificate carries (its CN).</summary>
    public static string NodeName(X509Certificate2 certificate) => certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    private (string Certificate, string Key) Issue(string file, string commonName, X509Extension? names, Oid usage)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (names is not null)
        {
            request.CertificateExtensions.Add(names);
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(2), serial);
        var crt = Path.Combine(Directory, file + ".crt");
        var key = Path.Combine(Directory, file + ".key");
        Write(crt, key, issued, ecdsa);
        return (crt, key);
    }

    private static void Write(string crtPath, string keyPath, X509Certificate2 certificate, ECDsa key)
    {
        File.WriteAllText(crtPath, certificate.ExportCertificatePem() + "\n");
        LavaAccel.Host.PrivateFiles.WriteSecret(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

}
