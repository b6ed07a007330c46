using System.Net.Security;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class CustomRootCertificateValidatorTests
{
    [Test]
    public void A_server_certificate_signed_by_the_given_ca_is_trusted()
    {
        using var validator = new CustomRootCertificateValidator(TestCertificates.CaPem);

        Assert.That(validator.Validate(TestCertificates.Server, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.True);
    }

    [Test]
    public void A_certificate_from_another_ca_is_not_trusted()
    {
        using var other = TestCertificates.SelfSigned("CN=someone else");
        using var validator = new CustomRootCertificateValidator(other.ExportCertificatePem());

        Assert.That(validator.Validate(TestCertificates.Server, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.False);
    }

    [Test]
    public void A_name_mismatch_is_not_excused_by_the_custom_root()
    {
        using var validator = new CustomRootCertificateValidator(TestCertificates.CaPem);

        Assert.That(validator.Validate(
            TestCertificates.Server, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch), Is.False);
    }

    [Test]
    public void What_the_system_already_trusts_stays_trusted()
    {
        using var validator = new CustomRootCertificateValidator(TestCertificates.CaPem);

        Assert.That(validator.Validate(TestCertificates.Server, null, SslPolicyErrors.None), Is.True);
    }

    [Test]
    public void A_ca_without_a_certificate_is_invalid_input()
    {
        var error = Assert.Throws<ClusterCtlException>(() => _ = new CustomRootCertificateValidator("nothing"));

        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
    }
}
