using ClusterCtl.Hosts;

namespace ClusterCtl.Tests.Hosts;

/// <summary>
/// The inputs are stderr texts of OpenSSH_9.2p1 (Debian 12) with -o LogLevel=INFO and LC_ALL=C,
/// captured against a real sshd on loopback (and, for routing errors, in a throwaway network namespace).
/// </summary>
public class SshErrorClassifierTests
{
    private const string HostKeyChangedBanner =
        "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n" +
        "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n" +
        "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n" +
        "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\n" +
        "Someone could be eavesdropping on you right now (man-in-the-middle attack)!\r\n" +
        "It is also possible that a host key has just been changed.\r\n" +
        "The fingerprint for the ED25519 key sent by the remote host is\n" +
        "SHA256:/fFC0rhBY3EfUHCly+VrHZoLEyrjQSgbGYQZ7fnRBVI.\r\n" +
        "Please contact your system administrator.\r\n" +
        "Add correct host key in /tmp/cctl-sshtest/known_hosts to get rid of this message.\r\n" +
        "Offending ED25519 key in /tmp/cctl-sshtest/known_hosts:2\r\n" +
        "  remove with:\r\n" +
        "  ssh-keygen -f \"/tmp/cctl-sshtest/known_hosts\" -R \"[127.0.0.1]:2225\"\r\n" +
        "Host key for [127.0.0.1]:2225 has changed and you have requested strict checking.\r\n" +
        "Host key verification failed.\r\n";

    private const string ProxyDied =
        "kex_exchange_identification: Connection closed by remote host\r\n" +
        "Connection closed by UNKNOWN port 65535\r\n";

    [Test]
    public void A_rejected_key_is_an_authentication_failure()
    {
        var diagnosis = SshErrorClassifier.Classify("root@127.0.0.1: Permission denied (publickey,password,keyboard-interactive).\r\n", 255);

        Assert.That(diagnosis, Is.EqualTo(new SshFailureDiagnosis(HostConnectionFailure.AuthenticationFailed, SshHop.Target,
            "root@127.0.0.1: Permission denied (publickey,password,keyboard-interactive).")));
    }

    [Test]
    public void A_changed_host_key_is_reported_with_the_line_that_names_the_host()
    {
        var diagnosis = SshErrorClassifier.Classify(HostKeyChangedBanner, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.HostKeyChanged));
        Assert.That(diagnosis.Evidence, Is.EqualTo("Host key for [127.0.0.1]:2225 has changed and you have requested strict checking."));
    }

    [Test]
    public void A_mismatching_key_with_checking_off_is_still_a_changed_host_key()
    {
        const string stderr =
            "Password authentication is disabled to avoid man-in-the-middle attacks.\r\n" +
            "Port forwarding is disabled to avoid man-in-the-middle attacks.\r\n" +
            "Error: forwarding disabled due to host key check failure\r\n";

        Assert.That(SshErrorClassifier.Classify(stderr, 255).Failure, Is.EqualTo(HostConnectionFailure.HostKeyChanged));
    }

    [Test]
    public void An_unknown_host_key_in_strict_mode_is_host_key_unknown()
    {
        const string stderr =
            "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\n" +
            "Host key verification failed.\r\n";

        var diagnosis = SshErrorClassifier.Classify(stderr, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.HostKeyUnknown));
        Assert.That(diagnosis.Evidence, Does.StartWith("No ED25519 host key is known for [127.0.0.1]:2222"));
    }

    [Test]
    public void Nothing_listening_is_connection_refused()
    {
        var diagnosis = SshErrorClassifier.Classify("ssh: connect to host 127.0.0.1 port 2229: Connection refused\r\n", 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.ConnectionRefused));
        Assert.That(diagnosis.Hop, Is.EqualTo(SshHop.Target));
    }

    [Test]
    public void A_server_that_never_speaks_is_a_timeout()
    {
        const string stderr = "Connection timed out during banner exchange\r\nConnection to 127.0.0.1 port 2223 timed out\r\n";

        Assert.That(SshErrorClassifier.Classify(stderr, 255).Failure, Is.EqualTo(HostConnectionFailure.Timeout));
    }

    [Test]
    public void An_unanswered_connect_is_a_timeout()
    {
        Assert.That(SshErrorClassifier.Classify("ssh: connect to host 10.213.0.77 port 22: Connection timed out\r\n", 255).Failure,
            Is.EqualTo(HostConnectionFailure.Timeout));
    }

    [Test]
    public void A_dead_connection_found_by_keepalives_is_a_timeout()
    {
        Assert.That(SshErrorClassifier.Classify("Timeout, server 10.213.0.12 not responding.\r\n", 255).Failure,
            Is.EqualTo(HostConnectionFailure.Timeout));
    }

    [TestCase("ssh: connect to host 10.213.0.77 port 22: No route to host\r\n")]
    [TestCase("ssh: connect to host 10.213.0.77 port 22: Network is unreachable\r\n")]
    [TestCase("ssh: connect to host 10.213.0.77 port 22: Permission denied\r\n")]
    public void Routing_errors_are_unreachable(string stderr)
    {
        Assert.That(SshErrorClassifier.Classify(stderr, 255).Failure, Is.EqualTo(HostConnectionFailure.Unreachable));
    }

    [Test]
    public void An_unknown_name_is_a_name_resolution_failure()
    {
        var diagnosis = SshErrorClassifier.Classify("ssh: Could not resolve hostname no-such-host.invalid: Name or service not known\r\n", 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.NameResolution));
    }

    [Test]
    public void A_refused_socket_forward_without_details_needs_a_closer_look()
    {
        // sshd 9.2 says the same for a missing socket, a plain file and AllowStreamLocalForwarding=no.
        var diagnosis = SshErrorClassifier.Classify("channel 2: open failed: connect failed: open failed\r\n", null);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.DockerSocketUnavailable));
        Assert.That(diagnosis.Evidence, Is.EqualTo("channel 2: open failed: connect failed: open failed"));
    }

    [TestCase("channel 2: open failed: connect failed: No such file or directory", nameof(HostConnectionFailure.DockerSocketMissing))]
    [TestCase("channel 2: open failed: connect failed: Permission denied", nameof(HostConnectionFailure.DockerPermissionDenied))]
    [TestCase("channel 2: open failed: connect failed: Connection refused", nameof(HostConnectionFailure.DockerDaemonNotRunning))]
    [TestCase("channel 2: open failed: administratively prohibited: open failed", nameof(HostConnectionFailure.ForwardingProhibited))]
    public void A_refused_socket_forward_with_a_reason_is_classified_by_it(string line, string expected)
    {
        Assert.That(SshErrorClassifier.Classify(line + "\r\n", null).Failure.ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void A_key_file_ssh_cannot_load_is_reported_before_the_authentication_failure_it_causes()
    {
        const string stderr =
            "Load key \"badkey\": error in libcrypto\r\n" +
            "root@127.0.0.1: Permission denied (publickey,password,keyboard-interactive).\r\n";

        var diagnosis = SshErrorClassifier.Classify(stderr, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.KeyFileUnreadable));
        Assert.That(diagnosis.Evidence, Is.EqualTo("Load key \"badkey\": error in libcrypto"));
    }

    [Test]
    public void A_key_with_open_permissions_is_unreadable_for_ssh()
    {
        const string stderr =
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n" +
            "@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\r\n" +
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n" +
            "Permissions 0644 for 'openkey' are too open.\r\n" +
            "It is required that your private key files are NOT accessible by others.\r\n" +
            "This private key will be ignored.\r\n" +
            "Load key \"openkey\": bad permissions\r\n" +
            "root@127.0.0.1: Permission denied (publickey,password,keyboard-interactive).\r\n";

        var diagnosis = SshErrorClassifier.Classify(stderr, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.KeyFileUnreadable));
        Assert.That(diagnosis.Evidence, Is.EqualTo("Load key \"openkey\": bad permissions"));
    }

    [Test]
    public void A_missing_key_file_is_unreadable()
    {
        const string stderr =
            "Warning: Identity file /nonexistent/key not accessible: No such file or directory.\n" +
            "root@127.0.0.1: Permission denied (publickey,password,keyboard-interactive).\r\n";

        Assert.That(SshErrorClassifier.Classify(stderr, 255).Failure, Is.EqualTo(HostConnectionFailure.KeyFileUnreadable));
    }

    [Test]
    public void A_first_connection_that_adds_the_host_key_is_not_mistaken_for_the_failure()
    {
        const string stderr =
            "Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.\r\n" +
            "channel 2: open failed: connect failed: open failed\r\n";

        Assert.That(SshErrorClassifier.Classify(stderr, null).Failure, Is.EqualTo(HostConnectionFailure.DockerSocketUnavailable));
    }

    [Test]
    public void A_local_bind_failure_is_other_with_sshs_words()
    {
        const string stderr =
            "unix_listener: cannot bind to path /nonexistent/dir/d.sock: No such file or directory\r\n" +
            "Could not request local forwarding.\r\n";

        var diagnosis = SshErrorClassifier.Classify(stderr, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.Other));
        Assert.That(diagnosis.Evidence, Is.EqualTo("Could not request local forwarding."));
    }

    [Test]
    public void Silence_is_other_and_names_the_exit_code()
    {
        var diagnosis = SshErrorClassifier.Classify(string.Empty, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.Other));
        Assert.That(diagnosis.Evidence, Does.Contain("255"));
    }

    [Test]
    public void A_bastion_that_rejects_its_key_is_blamed_on_the_bastion()
    {
        var stderr = "root@127.0.0.1: Permission denied (publickey,password,keyboard-interactive).\r\n" + ProxyDied;

        var diagnosis = SshErrorClassifier.Classify(stderr, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.AuthenticationFailed));
        Assert.That(diagnosis.Hop, Is.EqualTo(SshHop.Bastion));
    }

    [Test]
    public void A_bastion_that_refuses_connections_is_blamed_on_the_bastion()
    {
        var stderr = "ssh: connect to host 127.0.0.1 port 2229: Connection refused\r\n" + ProxyDied;

        Assert.That(SshErrorClassifier.Classify(stderr, 255), Is.EqualTo(new SshFailureDiagnosis(
            HostConnectionFailure.ConnectionRefused, SshHop.Bastion, "ssh: connect to host 127.0.0.1 port 2229: Connection refused")));
    }

    [Test]
    public void A_bastion_whose_host_key_changed_is_blamed_on_the_bastion()
    {
        var diagnosis = SshErrorClassifier.Classify(HostKeyChangedBanner + ProxyDied, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.HostKeyChanged));
        Assert.That(diagnosis.Hop, Is.EqualTo(SshHop.Bastion));
    }

    [Test]
    public void A_node_the_bastion_cannot_connect_to_is_blamed_on_the_node()
    {
        var stderr = "channel 0: open failed: connect failed: Connection refused\r\nstdio forwarding failed\r\n" + ProxyDied;

        var diagnosis = SshErrorClassifier.Classify(stderr, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.ConnectionRefused));
        Assert.That(diagnosis.Hop, Is.EqualTo(SshHop.Target));
    }

    [Test]
    public void A_node_name_the_bastion_cannot_resolve_is_a_name_resolution_failure()
    {
        var stderr = "channel 0: open failed: connect failed: Name or service not known\r\nstdio forwarding failed\r\n" + ProxyDied;

        Assert.That(SshErrorClassifier.Classify(stderr, 255).Failure, Is.EqualTo(HostConnectionFailure.NameResolution));
    }

    [Test]
    public void A_bastion_without_tcp_forwarding_is_forwarding_prohibited_on_the_bastion()
    {
        var stderr = "channel 0: open failed: administratively prohibited: open failed\r\nstdio forwarding failed\r\n" + ProxyDied;

        Assert.That(SshErrorClassifier.Classify(stderr, 255), Is.EqualTo(new SshFailureDiagnosis(
            HostConnectionFailure.ForwardingProhibited, SshHop.Bastion, "channel 0: open failed: administratively prohibited: open failed")));
    }

    [Test]
    public void A_node_behind_a_bastion_that_never_speaks_is_a_timeout_of_the_node()
    {
        const string stderr = "Connection timed out during banner exchange\r\nConnection to UNKNOWN port 65535 timed out\r\n";

        var diagnosis = SshErrorClassifier.Classify(stderr, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.Timeout));
        Assert.That(diagnosis.Hop, Is.EqualTo(SshHop.Target));
    }

    [Test]
    public void A_node_behind_a_bastion_that_rejects_the_key_is_blamed_on_the_node()
    {
        var diagnosis = SshErrorClassifier.Classify("root@127.0.0.1: Permission denied (publickey,password,keyboard-interactive).\r\n", 255);

        Assert.That(diagnosis.Hop, Is.EqualTo(SshHop.Target));
    }

    [Test]
    public void A_server_hanging_up_during_the_handshake_is_handshake_rejected()
    {
        // sshd dropping a connection beyond MaxStartups.
        const string stderr = "kex_exchange_identification: read: Connection reset by peer\r\nConnection reset by 127.0.0.1 port 2222\r\n";

        Assert.That(SshErrorClassifier.Classify(stderr, 255), Is.EqualTo(new SshFailureDiagnosis(
            HostConnectionFailure.HandshakeRejected, SshHop.Target, "kex_exchange_identification: read: Connection reset by peer")));
    }

    [Test]
    public void A_bastion_hanging_up_during_the_handshake_is_blamed_on_the_bastion()
    {
        var stderr = "kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 127.0.0.1 port 2222\r\n" + ProxyDied;

        Assert.That(SshErrorClassifier.Classify(stderr, 255), Is.EqualTo(new SshFailureDiagnosis(
            HostConnectionFailure.HandshakeRejected, SshHop.Bastion, "Connection closed by 127.0.0.1 port 2222")));
    }

    [Test]
    public void A_node_hanging_up_behind_a_bastion_is_blamed_on_the_node()
    {
        // The outer ssh prints the same two lines when the node (not the bastion) closes the proxied stream.
        var diagnosis = SshErrorClassifier.Classify(ProxyDied, 255);

        Assert.That(diagnosis.Failure, Is.EqualTo(HostConnectionFailure.HandshakeRejected));
        Assert.That(diagnosis.Hop, Is.EqualTo(SshHop.Target));
    }
}
