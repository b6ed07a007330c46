using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterCtl.Config;

namespace ClusterCtl.Pki;

/// <summary>
/// Makes the etcd certificate RKE would give a node (<c>kube-etcd-&lt;internal address dashed&gt;</c>), signed by the
/// cluster CA: server and client auth, because etcd uses one certificate for clients and for its peers.
/// The key type follows the CA's (RKE's kube-ca is RSA 2048), so nothing in the chain is weaker or unexpected.
/// </summary>
internal static class EtcdCertificateBuilder
{
    /// <summary>RKE issues its certificates for ten years.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(3650);

    public static EtcdCertificate Build(CertificateAuthorityPem ca, ClusterNode node, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(node);
        using var caCertificate = LoadCa(ca);
        using var rsaCaKey = caCertificate.GetRSAPrivateKey();
        using var ecdsaCaKey = rsaCaKey is null ? caCertificate.GetECDsaPrivateKey() : null;
        var subject = Subject(node);

        if (rsaCaKey is not null)
        {
            using var key = RSA.Create(Math.Max(2048, rsaCaKey.KeySize));
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return Sign(request, caCertificate, X509SignatureGenerator.CreateForRSA(rsaCaKey, RSASignaturePadding.Pkcs1), node, now, key.ExportRSAPrivateKeyPem());
        }

        if (ecdsaCaKey is not null)
        {
            using var key = ECDsa.Create(ecdsaCaKey.ExportParameters(false).Curve);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            return Sign(request, caCertificate, X509SignatureGenerator.CreateForECDsa(ecdsaCaKey), node, now, key.ExportECPrivateKeyPem());
        }

        throw new ClusterCtlException($"the cluster CA from {ca.Source} has neither an RSA nor an ECDSA key; clusterctl cannot sign with it", ExitCodes.InvalidInput);
    }

    /// <summary>
    /// CN=kube-etcd-&lt;internal address dashed&gt;, and nothing else: built attribute by attribute, so that no character
    /// of the address (a comma, '=', '+') can add an attribute of its own, as parsing "CN=" + address would let it.
    /// </summary>
    public static X500DistinguishedName Subject(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(node.EtcdCertificateBaseName);
        return builder.Build();
    }

    /// <summary>The CA certificate with its private key, checked to belong together.</summary>
    public static X509Certificate2 LoadCa(CertificateAuthorityPem ca)
    {
        ArgumentNullException.ThrowIfNull(ca);
        try
        {
            return X509Certificate2.CreateFromPem(ca.CertificatePem, ca.KeyPem);
        }
        catch (CryptographicException e)
        {
            // The message never quotes the key.
            throw new ClusterCtlException($"the cluster CA from {ca.Source} is not a usable certificate and matching private key ({e.Message})", ExitCodes.InvalidInput, e);
        }
    }

    private static EtcdCertificate Sign(CertificateRequest request, X509Certificate2 ca, X509SignatureGenerator generator, ClusterNode node,
        DateTimeOffset now, string traditionalKeyPem)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        request.CertificateExtensions.Add(SubjectAlternativeNames(node));

        // Never valid beyond the CA, or the chain would fail before the certificate does.
        var notAfter = now + Validity < ca.NotAfter ? now + Validity : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(ca.SubjectName, generator, now.AddMinutes(-5), notAfter, serial);
        // RKE writes PKCS#1 ("RSA PRIVATE KEY") keys; etcd reads either, so the traditional form matches RKE's files.
        return new EtcdCertificate(certificate.ExportCertificatePem() + "\n", traditionalKeyPem + "\n");
    }

    private static X509Extension SubjectAlternativeNames(ClusterNode node)
    {
        var builder = new SubjectAlternativeNameBuilder();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { node.Address, node.InternalAddress, node.HostnameOverride, "localhost", "127.0.0.1" })
        {
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
            {
                continue;
            }

            if (IPAddress.TryParse(name, out var ip))
            {
                builder.AddIpAddress(ip);
            }
            else
            {
                builder.AddDnsName(name);
            }
        }

        return builder.Build();
    }
}
