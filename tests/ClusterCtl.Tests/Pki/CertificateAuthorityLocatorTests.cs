using ClusterCtl.Config;
using ClusterCtl.Pki;
using Serilog.Core;

namespace ClusterCtl.Tests.Pki;

/// <summary>The CA's sources that need no host, in their order: cluster.rkestate beside the config, then --ca-cert/--ca-key.</summary>
public class CertificateAuthorityLocatorTests
{
    private string _directory = null!;
    private CertificateAuthorityLocator _locator = null!;

    [SetUp]
    public void CreateConfigDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("clusterctl-ca-").FullName;
        var config = ClusterConfigLoader.Parse("""
            nodes:
            - {address: 10.213.1.11, user: root, role: [etcd, controlplane]}
            """, Path.Combine(_directory, "cluster.yml"));
        _locator = new CertificateAuthorityLocator(config, Logger.None);
        File.WriteAllText(Path.Combine(_directory, "ca.pem"), "FLAG-CERT");
        File.WriteAllText(Path.Combine(_directory, "ca-key.pem"), "FLAG-KEY");
    }

    [TearDown]
    public void RemoveConfigDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void The_state_file_beside_the_config_comes_before_the_flags()
    {
        File.WriteAllText(Path.Combine(_directory, "cluster.rkestate"),
            """{"currentState":{"certificatesBundle":{"kube-ca":{"certificatePEM":"STATE-CERT","keyPEM":"STATE-KEY"}}}}""");

        var ca = _locator.FindLocal(Path.Combine(_directory, "ca.pem"), Path.Combine(_directory, "ca-key.pem"));

        Assert.That(ca!.CertificatePem, Is.EqualTo("STATE-CERT"));
    }

    [Test]
    public void Without_a_state_file_the_flags_supply_the_ca()
    {
        var ca = _locator.FindLocal(Path.Combine(_directory, "ca.pem"), Path.Combine(_directory, "ca-key.pem"));

        Assert.That(ca!.CertificatePem, Is.EqualTo("FLAG-CERT"));
        Assert.That(ca.KeyPem, Is.EqualTo("FLAG-KEY"));
        Assert.That(ca.Source, Does.Contain("--ca-cert"));
    }

    [Test]
    public void Without_either_there_is_no_local_ca()
    {
        Assert.That(_locator.FindLocal(null, null), Is.Null);
    }

    [Test]
    public void A_ca_certificate_without_its_key_is_invalid_input()
    {
        var error = Assert.Throws<ClusterCtlException>(() => _locator.FindLocal(Path.Combine(_directory, "ca.pem"), null));

        Assert.That(error!.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(error.Message, Does.Contain("--ca-cert and --ca-key go together"));
    }

    [Test]
    public void The_refusal_lists_the_three_ways_to_supply_the_ca()
    {
        var config = ClusterConfigLoader.Parse("nodes: [{address: 10.0.0.1, user: root, role: [etcd]}]", Path.Combine(_directory, "cluster.yml"));

        Assert.That(CertificateAuthorityLocator.WaysToSupply(config), Does.Contain("(1)").And.Contain("cluster.rkestate")
            .And.Contain("(2) pass --ca-cert").And.Contain("(3)").And.Contain("kube-ca-key.pem"));
    }
}
