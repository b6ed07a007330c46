using ClusterCtl.Restore;

namespace ClusterCtl.Tests.Restore;

public class EtcdVersionTextTests
{
    [TestCase("etcd Version: 3.5.16\nGit SHA: Not provided\nGo Version: go1.24.0\n", "3.5.16")]
    [TestCase("etcd Version: 3.4.23\nGit SHA: Not provided\n", "3.4.23")]
    [TestCase("etcdutl version: 3.5.16\nAPI version: 3.5\n", "3.5.16")]
    [TestCase("v3.5.10", "3.5.10")]
    [TestCase("no version here", null)]
    public void The_version_is_read_from_what_the_binaries_print(string output, string? expected) =>
        Assert.That(EtcdVersionText.Parse(output), Is.EqualTo(expected));

    [TestCase("3.5.16", "3.5.9", true)]
    [TestCase("3.5.16", "3.4.23", false)]
    [TestCase("3.5.16", null, true)]
    [TestCase(null, "3.4.23", true)]
    [TestCase("3.5.16", "v3.5.0", true)]
    public void Only_major_and_minor_must_agree(string? image, string? snapshot, bool compatible) =>
        Assert.That(EtcdVersionText.Compatible(image, snapshot), Is.EqualTo(compatible));
}
