using ClusterCtl.Hosts;

namespace ClusterCtl.Tests.Hosts;

public class SshCipherPreferenceTests
{
    private const string OpenSshDefault = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com";

    [Test]
    public void With_AES_instructions_AES_GCM_moves_to_the_front_and_nothing_else_changes() =>
        Assert.That(SshCipherPreference.Option(OpenSshDefault, cpuHasAes: true),
            Is.EqualTo("Ciphers=aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr"));

    [Test]
    public void Without_AES_instructions_ssh_keeps_its_own_order() =>
        Assert.That(SshCipherPreference.Option(OpenSshDefault, cpuHasAes: false), Is.Null);

    [Test]
    public void A_list_the_operator_restricted_stays_restricted() =>
        Assert.That(SshCipherPreference.Option("chacha20-poly1305@openssh.com,aes256-gcm@openssh.com", cpuHasAes: true),
            Is.EqualTo("Ciphers=aes256-gcm@openssh.com,chacha20-poly1305@openssh.com"));

    [TestCase("aes128-gcm@openssh.com,chacha20-poly1305@openssh.com")]
    [TestCase("chacha20-poly1305@openssh.com")]
    [TestCase("")]
    [TestCase(null)]
    public void Nothing_is_passed_when_the_order_would_not_change(string? ciphers) =>
        Assert.That(SshCipherPreference.Option(ciphers, cpuHasAes: true), Is.Null);
}
