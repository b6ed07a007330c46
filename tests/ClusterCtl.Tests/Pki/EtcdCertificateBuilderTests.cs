using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterCtl.Config;
using ClusterCtl.Pki;

namespace ClusterCtl.Tests.Pki;

public class EtcdCertificateBuilderTests
{
    private static readonly ClusterNode Node = new("203.0.113.14", 22, "10.213.1.14", "node4", "rke", "/var/run/docker.sock",
        NodeRoles.Etcd | NodeRoles.ControlPlane, new SshCredentials(null, null, null, null));

    private CertificateAuthorityPem _ca = null!;

    [OneTimeSetUp]
    public void CreateCa()
    {
        // A CA like RKE's kube-ca: RSA 2048, self-signed, CA:true.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=kube-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        _ca = new CertificateAuthorityPem(ca.ExportCertificatePem(), key.ExportRSAPrivateKeyPem(), "test");
    }

    [Test]
    public void The_subject_is_one_common_name_whatever_characters_the_address_holds()
    {
        // The config check refuses such an address; the subject must not depend on that.
        var node = Node with { InternalAddress = "x,O=system:masters+OU=grp" };

        var subject = EtcdCertificateBuilder.Subject(node);

        var attributes = subject.EnumerateRelativeDistinguishedNames().ToList();
        Assert.That(attributes, Has.Count.EqualTo(1));
        Assert.That(attributes[0].GetSingleElementType().Value, Is.EqualTo("2.5.4.3"), "a common name");
        Assert.That(attributes[0].GetSingleElementValue(), Is.EqualTo("kube-etcd-x,o=system:masters+ou=grp"));
    }

    [Test]
    public void The_certificate_chains_to_the_cluster_ca()
    {
        using var certificate = Build();
        using var ca = X509Certificate2.CreateFromPem(_ca.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.That(chain.Build(certificate), Is.True, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.That(certificate.Issuer, Is.EqualTo("CN=kube-ca"));
        Assert.That(certificate.Subject, Is.EqualTo("CN=kube-etcd-10-213-1-14"));
    }

    [Test]
    public void The_names_are_the_addresses_the_hostname_and_localhost()
    {
        using var certificate = Build();
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();

        Assert.That(san.EnumerateIPAddresses().Select(a => a.ToString()), Is.EquivalentTo(new[] { "203.0.113.14", "10.213.1.14", "127.0.0.1" }));
        Assert.That(san.EnumerateDnsNames(), Is.EquivalentTo(new[] { "node4", "localhost" }));
    }

    [Test]
    public void It_serves_and_acts_as_a_client_and_is_no_ca()
    {
        using var certificate = Build();
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);

        Assert.That(usages, Is.EquivalentTo(new[] { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2" }));
        Assert.That(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority, Is.False);
    }

    [Test]
    public void The_key_matches_the_certificate_and_is_rsa_like_the_ca()
    {
        var built = EtcdCertificateBuilder.Build(_ca, Node, DateTimeOffset.UtcNow);

        using var pair = X509Certificate2.CreateFromPem(built.CertificatePem, built.KeyPem);
        using var key = pair.GetRSAPrivateKey();
        Assert.That(key, Is.Not.Null);
        Assert.That(key!.KeySize, Is.EqualTo(2048));
        Assert.That(built.KeyPem, Does.StartWith("-----BEGIN RSA PRIVATE KEY-----"));
        Assert.That(built.ToString(), Does.Not.Contain("PRIVATE KEY"));
    }

    [Test]
    public void A_key_that_does_not_belong_to_the_ca_is_refused()
    {
        using var other = RSA.Create(2048);
        var mismatched = _ca with { KeyPem = other.ExportRSAPrivateKeyPem() };

        var error = Assert.Throws<ClusterCtlException>(() => EtcdCertificateBuilder.Build(mismatched, Node, DateTimeOffset.UtcNow));
        Assert.That(error!.Message, Does.Contain("test").And.Not.Contain("PRIVATE KEY"));
    }

    private X509Certificate2 Build() =>
        X509Certificate2.CreateFromPem(EtcdCertificateBuilder.Build(_ca, Node, DateTimeOffset.UtcNow).CertificatePem);
}
