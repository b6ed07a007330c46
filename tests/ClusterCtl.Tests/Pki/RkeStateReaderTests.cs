using ClusterCtl.Pki;

namespace ClusterCtl.Tests.Pki;

public class RkeStateReaderTests
{
    private string _file = null!;

    [SetUp]
    public void CreateFile() => _file = Path.GetTempFileName();

    [TearDown]
    public void RemoveFile() => File.Delete(_file);

    [Test]
    public void The_kube_ca_comes_from_the_current_state()
    {
        File.WriteAllText(_file, """
            {"desiredState":{"certificatesBundle":{"kube-ca":{"certificatePEM":"desired-cert","keyPEM":"desired-key"}}},
             "currentState":{"certificatesBundle":{"kube-ca":{"certificatePEM":"CERT","keyPEM":"KEY","path":"/etc/kubernetes/ssl/kube-ca.pem"},
                                                   "kube-etcd-10-0-0-1":{"certificatePEM":"x","keyPEM":"y"}}}}
            """);

        var ca = RkeStateReader.TryReadCertificateAuthority(_file);

        Assert.That(ca, Is.Not.Null);
        Assert.That(ca!.CertificatePem, Is.EqualTo("CERT"));
        Assert.That(ca.KeyPem, Is.EqualTo("KEY"));
        Assert.That(ca.ToString(), Does.Not.Contain("KEY\""));
    }

    [Test]
    public void The_desired_state_is_the_fallback()
    {
        File.WriteAllText(_file, """{"desiredState":{"certificatesBundle":{"kube-ca":{"certificatePEM":"C","keyPEM":"K"}}}}""");

        Assert.That(RkeStateReader.TryReadCertificateAuthority(_file)!.CertificatePem, Is.EqualTo("C"));
    }

    [Test]
    public void A_missing_state_file_means_no_CA()
    {
        Assert.That(RkeStateReader.TryReadCertificateAuthority(_file + ".absent"), Is.Null);
    }

    [Test]
    public void Malformed_JSON_is_invalid_input_naming_the_file()
    {
        File.WriteAllText(_file, "{\"desiredState\": {");

        var e = Assert.Throws<ClusterCtlException>(() => RkeStateReader.TryReadCertificateAuthority(_file))!;

        Assert.That(e.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(e.Message, Does.StartWith(_file + ":"));
    }

    [Test]
    public void A_state_file_without_kube_ca_is_refused()
    {
        File.WriteAllText(_file, """{"currentState":{"certificatesBundle":{}}}""");

        var e = Assert.Throws<ClusterCtlException>(() => RkeStateReader.TryReadCertificateAuthority(_file))!;

        Assert.That(e.Message, Does.Contain("holds no kube-ca"));
    }
}
