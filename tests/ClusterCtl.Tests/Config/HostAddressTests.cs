using ClusterCtl.Config;

namespace ClusterCtl.Tests.Config;

/// <summary>What a node's address, internal_address and hostname_override may be: an IP address or a DNS name, nothing more.</summary>
public class HostAddressTests
{
    [TestCase("10.213.0.11")]
    [TestCase("192.168.1.254")]
    [TestCase("fd00::11")]
    [TestCase("2001:db8::1")]
    [TestCase("node1")]
    [TestCase("etcd-1.prod.example.com")]
    [TestCase("NODE1.Example.COM")]
    [TestCase("1node")]
    public void Ip_addresses_and_dns_names_are_valid(string value) => Assert.That(HostAddress.IsValid(value), Is.True);

    [TestCase("10.0.0.1$(touch /tmp/x)")]
    [TestCase("10.0.0.1`id`")]
    [TestCase("node1;reboot")]
    [TestCase("x,O=system:masters")]
    [TestCase("CN=x+O=grp")]
    [TestCase("node 1")]
    [TestCase("node1\nreboot")]
    [TestCase("'node1'")]
    [TestCase("fe80::1%eth0")]
    [TestCase("10.0.0.256")]
    [TestCase("10.1")]
    [TestCase("-node")]
    [TestCase("node-")]
    [TestCase("a..b")]
    [TestCase(".node")]
    [TestCase("node_1")]
    [TestCase("")]
    public void Anything_else_is_not(string value) => Assert.That(HostAddress.IsValid(value), Is.False);

    [Test]
    public void A_name_longer_than_dns_allows_is_not_valid()
    {
        Assert.That(HostAddress.IsValid(string.Join('.', Enumerable.Repeat(new string('a', 63), 4))), Is.False);
        Assert.That(HostAddress.IsValid(new string('a', 64)), Is.False);
        Assert.That(HostAddress.IsValid(new string('a', 63)), Is.True);
    }
}
