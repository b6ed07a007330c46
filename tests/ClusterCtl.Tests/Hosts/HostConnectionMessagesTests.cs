using ClusterCtl.Hosts;

namespace ClusterCtl.Tests.Hosts;

public class HostConnectionMessagesTests
{
    private static readonly SshEndpoint Node = new("10.213.0.12", "10.213.0.12", "root") { IdentityFile = "/keys/id_ed25519" };
    private static readonly SshEndpoint Bastion = new("bastion", "10.213.0.1", "jump") { Port = 2200, IdentityFile = "/keys/bastion" };
    private static readonly SshClientOptions Options = new() { KnownHostsFile = "/tmp/kh" };

    private static IEnumerable<HostConnectionFailure> AllFailures => Enum.GetValues<HostConnectionFailure>();

    [TestCaseSource(nameof(AllFailures))]
    public void Every_message_is_one_line_that_starts_with_the_node(object failure)
    {
        var diagnosis = new SshFailureDiagnosis((HostConnectionFailure)failure, SshHop.Target, "some ssh line\r\nand another");

        var message = HostConnectionMessages.Describe(Node, diagnosis, Options);

        Assert.That(message, Does.StartWith("10.213.0.12: "));
        Assert.That(message, Does.Not.Contain('\n').And.Not.Contain('\r'));
    }

    [Test]
    public void A_changed_host_key_says_how_to_remove_the_old_one()
    {
        var message = Describe(HostConnectionFailure.HostKeyChanged, "Host key for 10.213.0.12 has changed and you have requested strict checking.");

        Assert.That(message, Is.EqualTo("10.213.0.12: host key of 10.213.0.12:22 changed (possible MITM, or the host was reinstalled); " +
            "verify the new key and remove the old one with: ssh-keygen -R 10.213.0.12 -f /tmp/kh"));
    }

    [Test]
    public void A_changed_host_key_on_another_port_uses_the_bracketed_known_hosts_name()
    {
        var message = HostConnectionMessages.Describe(Node with { Port = 2222 },
            new SshFailureDiagnosis(HostConnectionFailure.HostKeyChanged, SshHop.Target, null), new SshClientOptions());

        Assert.That(message, Does.EndWith("ssh-keygen -R '[10.213.0.12]:2222'"));
    }

    [Test]
    public void A_refused_login_names_the_user_and_the_key()
    {
        var message = Describe(HostConnectionFailure.AuthenticationFailed, "root@10.213.0.12: Permission denied (publickey).");

        Assert.That(message, Does.Contain("as root was refused").And.Contain("/keys/id_ed25519").And.Contain("authorized_keys"));
    }

    [Test]
    public void A_failure_on_the_bastion_names_the_bastion_and_its_config()
    {
        var message = HostConnectionMessages.Describe(Node with { Bastion = Bastion },
            new SshFailureDiagnosis(HostConnectionFailure.AuthenticationFailed, SshHop.Bastion, "jump@10.213.0.1: Permission denied (publickey)."), Options);

        Assert.That(message, Does.StartWith("10.213.0.12: SSH login to bastion jump@10.213.0.1:2200 as jump was refused")
            .And.Contain("/keys/bastion")
            .And.Contain("bastion_host"));
    }

    [Test]
    public void A_node_unreachable_from_the_bastion_says_so()
    {
        var message = HostConnectionMessages.Describe(Node with { Bastion = Bastion },
            new SshFailureDiagnosis(HostConnectionFailure.ConnectionRefused, SshHop.Target, null), Options);

        Assert.That(message, Does.Contain("10.213.0.12:22 (from bastion 10.213.0.1) was refused"));
    }

    [Test]
    public void A_bastion_hop_from_the_users_ssh_config_is_named_as_such()
    {
        var message = Describe(HostConnectionFailure.ConnectionRefused, null, SshHop.Bastion);

        Assert.That(message, Does.Contain("the jump host from your ssh config"));
    }

    [Test]
    public void A_docker_permission_problem_says_which_group_to_join()
    {
        var message = HostConnectionMessages.Describe(Node with { User = "rancher" },
            new SshFailureDiagnosis(HostConnectionFailure.DockerPermissionDenied, SshHop.Target, null), Options);

        Assert.That(message, Does.Contain("usermod -aG docker rancher").And.Contain("/var/run/docker.sock"));
    }

    [Test]
    public void A_missing_docker_socket_points_at_docker_socket_in_cluster_yml()
    {
        Assert.That(Describe(HostConnectionFailure.DockerSocketMissing, null), Does.Contain("docker_socket"));
    }

    [Test]
    public void An_unknown_host_key_names_the_known_hosts_file()
    {
        var message = HostConnectionMessages.Describe(Node, new SshFailureDiagnosis(HostConnectionFailure.HostKeyUnknown, SshHop.Target, null), new SshClientOptions());

        Assert.That(message, Does.Contain("~/.ssh/known_hosts").And.Contain("ssh-keyscan -p 22 10.213.0.12"));
    }

    [Test]
    public void Other_failures_quote_ssh()
    {
        Assert.That(Describe(HostConnectionFailure.Other, "Could not request local forwarding."),
            Does.Contain("(Could not request local forwarding.)").And.Contain("--debug"));
    }

    [Test]
    public void The_exception_carries_host_failure_and_exit_code()
    {
        var exception = HostConnectionException.For(Node, new SshFailureDiagnosis(HostConnectionFailure.KeyFileUnreadable, SshHop.Target, null), Options);

        Assert.That(exception.Host, Is.EqualTo("10.213.0.12"));
        Assert.That(exception.Failure, Is.EqualTo(HostConnectionFailure.KeyFileUnreadable));
        Assert.That(exception.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
    }

    private static string Describe(HostConnectionFailure failure, string? evidence, SshHop hop = SshHop.Target) =>
        HostConnectionMessages.Describe(Node, new SshFailureDiagnosis(failure, hop, evidence), Options);
}
