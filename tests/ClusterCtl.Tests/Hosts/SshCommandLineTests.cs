using ClusterCtl.Hosts;

namespace ClusterCtl.Tests.Hosts;

public class SshCommandLineTests
{
    private static readonly SshClientOptions Defaults = new();

    private static SshEndpoint Node(string address = "10.213.0.12") => new(address, address, "root") { IdentityFile = "/keys/id_ed25519" };

    [Test]
    public void Master_forwards_the_docker_socket_through_one_multiplexing_connection()
    {
        var args = SshCommandLine.ForMaster(Node(), Defaults, "/usr/bin/ssh", "/run/x/c0", "/run/x/d0.sock");

        Assert.That(string.Join(' ', args.Take(5)), Is.EqualTo("-N -n -M -S /run/x/c0"));
        Assert.That(Options(args), Does.Contain("ControlPersist=no")
            .And.Contain("ExitOnForwardFailure=yes")
            .And.Contain("StreamLocalBindUnlink=yes")
            .And.Contain("BatchMode=yes")
            .And.Contain("ServerAliveInterval=10")
            .And.Contain("ServerAliveCountMax=3")
            .And.Contain("ConnectTimeout=10")
            .And.Contain("StrictHostKeyChecking=accept-new")
            .And.Contain("IdentityFile=/keys/id_ed25519")
            .And.Contain("IdentitiesOnly=yes"));
        Assert.That(ValueAfter(args, "-L"), Is.EqualTo("/run/x/d0.sock:/var/run/docker.sock"));
        Assert.That(string.Join(' ', args.TakeLast(5)), Is.EqualTo("-p 22 -l root 10.213.0.12"));
    }

    [Test]
    public void Master_logs_at_info_so_refused_forwards_are_visible()
    {
        var args = SshCommandLine.ForMaster(Node(), Defaults, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args), Does.Contain("LogLevel=INFO"));
        Assert.That(args, Does.Not.Contain("-q"));
    }

    [Test]
    public void Default_known_hosts_are_left_to_ssh_and_the_users_config()
    {
        var args = SshCommandLine.ForMaster(Node(), Defaults, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args).Any(o => o.StartsWith("UserKnownHostsFile=", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public void A_given_known_hosts_file_is_used()
    {
        var options = Defaults with { KnownHostsFile = "/tmp/kh", HostKeyPolicy = HostKeyPolicy.Strict };

        var args = SshCommandLine.ForMaster(Node(), options, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args), Does.Contain("UserKnownHostsFile=/tmp/kh").And.Contain("StrictHostKeyChecking=yes"));
    }

    [Test]
    public void Host_key_checking_off_ignores_every_known_hosts_file()
    {
        var options = Defaults with { KnownHostsFile = "/tmp/kh", HostKeyPolicy = HostKeyPolicy.Off };

        var args = SshCommandLine.ForMaster(Node(), options, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args), Does.Contain("StrictHostKeyChecking=no")
            .And.Contain("UserKnownHostsFile=/dev/null")
            .And.Contain("GlobalKnownHostsFile=/dev/null")
            .And.Not.Contain("UserKnownHostsFile=/tmp/kh"));
    }

    [Test]
    public void Agent_auth_offers_the_agents_keys_as_well()
    {
        var args = SshCommandLine.ForMaster(Node() with { UseAgent = true }, Defaults, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args), Does.Not.Contain("IdentitiesOnly=yes").And.Contain("IdentityFile=/keys/id_ed25519"));
    }

    [Test]
    public void Without_a_key_file_ssh_chooses_the_key()
    {
        var args = SshCommandLine.ForMaster(Node() with { IdentityFile = null }, Defaults, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args).Any(o => o.StartsWith("IdentityFile=", StringComparison.Ordinal)), Is.False);
        Assert.That(Options(args), Does.Not.Contain("IdentitiesOnly=yes"));
    }

    [Test]
    public void A_certificate_is_passed_as_certificate_file()
    {
        var args = SshCommandLine.ForMaster(Node() with { CertificateFile = "/keys/id-cert.pub" }, Defaults, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args), Does.Contain("CertificateFile=/keys/id-cert.pub"));
    }

    [Test]
    public void Port_user_and_docker_socket_come_from_the_endpoint()
    {
        var endpoint = Node() with { Port = 2222, User = "rancher", RemoteDockerSocket = "/run/user/1000/docker.sock" };

        var args = SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(ValueAfter(args, "-p"), Is.EqualTo("2222"));
        Assert.That(ValueAfter(args, "-l"), Is.EqualTo("rancher"));
        Assert.That(ValueAfter(args, "-L"), Is.EqualTo("/r/d0.sock:/run/user/1000/docker.sock"));
    }

    [Test]
    public void Percent_signs_in_paths_are_escaped_for_ssh()
    {
        var endpoint = Node() with { IdentityFile = "/keys/100%/id" };

        var args = SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r%/c0", "/r%/d0.sock");

        Assert.That(ValueAfter(args, "-S"), Is.EqualTo("/r%%/c0"));
        Assert.That(Options(args), Does.Contain("IdentityFile=/keys/100%%/id"));
        Assert.That(ValueAfter(args, "-L"), Does.StartWith("/r%%/d0.sock:"));
    }

    [Test]
    public void A_key_path_with_spaces_or_quotes_is_double_quoted_for_sshs_option_parser()
    {
        var endpoint = Node() with { IdentityFile = "/keys/it's my key" };

        var args = SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args), Does.Contain("IdentityFile=\"/keys/it's my key\""));
    }

    [TestCase("/keys/${HOME}/id")]
    [TestCase("/keys/a\"b")]
    [TestCase("/keys/a\\b")]
    public void A_key_path_ssh_cannot_take_is_refused(string path)
    {
        var endpoint = Node() with { IdentityFile = path };

        Assert.That(() => SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r/c0", "/r/d0.sock"),
            Throws.InstanceOf<ClusterCtlException>().With.Property(nameof(ClusterCtlException.ExitCode)).EqualTo(ExitCodes.InvalidInput));
    }

    [Test]
    public void A_relative_key_path_is_made_absolute()
    {
        var endpoint = Node() with { IdentityFile = "keys/id" };

        var args = SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r/c0", "/r/d0.sock");

        Assert.That(Options(args), Does.Contain("IdentityFile=" + Path.Combine(Environment.CurrentDirectory, "keys/id")));
    }

    [Test]
    public void A_home_relative_key_path_is_expanded()
    {
        var endpoint = Node() with { IdentityFile = "~/.ssh/id_rsa" };

        var args = SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r/c0", "/r/d0.sock");

        var identity = Options(args).Single(o => o.StartsWith("IdentityFile=", StringComparison.Ordinal));
        Assert.That(identity, Does.EndWith("/.ssh/id_rsa").And.Not.Contain("~"));
    }

    [TestCase("-oProxyCommand=sh")]
    [TestCase("10.0.0.1 -v")]
    [TestCase("")]
    [TestCase("host;reboot")]
    public void An_address_that_could_be_read_as_an_option_is_refused(string address)
    {
        var endpoint = new SshEndpoint("node", address, "root");

        Assert.That(() => SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r/c0", "/r/d0.sock"),
            Throws.InstanceOf<ClusterCtlException>().With.Property(nameof(ClusterCtlException.ExitCode)).EqualTo(ExitCodes.InvalidInput));
    }

    [TestCase("-oX")]
    [TestCase("root user")]
    [TestCase("")]
    public void A_user_that_is_not_a_user_name_is_refused(string user)
    {
        var endpoint = new SshEndpoint("node", "10.0.0.1", user);

        Assert.That(() => SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r/c0", "/r/d0.sock"), Throws.InstanceOf<ClusterCtlException>());
    }

    [TestCase("var/run/docker.sock")]
    [TestCase("/var/run/a:b.sock")]
    [TestCase("/var/run/docker sock")]
    public void A_docker_socket_that_breaks_the_forward_syntax_is_refused(string socket)
    {
        var endpoint = Node() with { RemoteDockerSocket = socket };

        Assert.That(() => SshCommandLine.ForMaster(endpoint, Defaults, "ssh", "/r/c0", "/r/d0.sock"),
            Throws.InstanceOf<ClusterCtlException>().With.Message.Contains("docker_socket"));
    }

    [TestCase(0)]
    [TestCase(65536)]
    public void A_port_out_of_range_is_refused(int port)
    {
        Assert.That(() => SshCommandLine.ForMaster(Node() with { Port = port }, Defaults, "ssh", "/r/c0", "/r/d0.sock"), Throws.InstanceOf<ClusterCtlException>());
    }

    [Test]
    public void A_bastion_becomes_a_proxy_command_with_its_own_key_and_port()
    {
        var bastion = new SshEndpoint("bastion", "192.0.2.10", "jump") { Port = 2200, IdentityFile = "/keys/bastion key" };
        var endpoint = Node() with { Bastion = bastion };

        var args = SshCommandLine.ForMaster(endpoint, Defaults with { KnownHostsFile = "/tmp/kh" }, "/usr/bin/ssh", "/r/c0", "/r/d0.sock");

        var proxy = Options(args).Single(o => o.StartsWith("ProxyCommand=", StringComparison.Ordinal))["ProxyCommand=".Length..];
        Assert.That(proxy, Does.StartWith("'/usr/bin/ssh' "));
        Assert.That(proxy, Does.Contain("'-o' 'IdentityFile=\"/keys/bastion key\"' '-o' 'IdentitiesOnly=yes'"));
        Assert.That(proxy, Does.Contain("'-o' 'UserKnownHostsFile=/tmp/kh'"));
        Assert.That(proxy, Does.Contain("'-o' 'ControlPath=none'"));
        Assert.That(proxy, Does.EndWith("'-p' '2200' '-l' 'jump' -W '[%h]:%p' '192.0.2.10'"));
        // The node's own key stays on the outer connection.
        Assert.That(Options(args), Does.Contain("IdentityFile=/keys/id_ed25519"));
    }

    [Test]
    public void Bastion_paths_survive_both_the_percent_expansion_and_the_shell()
    {
        var bastion = new SshEndpoint("bastion", "192.0.2.10", "jump") { IdentityFile = "/keys/it's 100%" };

        var proxy = SshCommandLine.BastionProxyCommand(bastion, Defaults, "/usr/bin/ssh");

        // Escaped once for the bastion ssh (%%) and once for the outer ssh's ProxyCommand expansion (%%%%).
        Assert.That(proxy, Does.Contain(@"'-o' 'IdentityFile=""/keys/it'\''s 100%%%%""'"));
    }

    [Test]
    public void A_bastion_of_a_bastion_is_refused()
    {
        var inner = new SshEndpoint("b2", "192.0.2.11", "jump");
        var bastion = new SshEndpoint("b1", "192.0.2.10", "jump") { Bastion = inner };

        Assert.That(() => SshCommandLine.ForMaster(Node() with { Bastion = bastion }, Defaults, "ssh", "/r/c0", "/r/d0.sock"),
            Throws.InstanceOf<ClusterCtlException>().With.Message.Contains("bastion"));
    }

    [Test]
    public void Control_requests_go_through_the_masters_socket()
    {
        var args = SshCommandLine.ForControlRequest(Node(), "/r/c0", "exit");

        Assert.That(string.Join(' ', args.Take(4)), Is.EqualTo("-S /r/c0 -O exit"));
        Assert.That(args[^1], Is.EqualTo("10.213.0.12"));
    }

    [Test]
    public void Remote_commands_never_open_a_second_connection()
    {
        var args = SshCommandLine.ForRemoteCommand(Node(), "/r/c0", "test -S '/var/run/docker.sock'");

        Assert.That(Options(args), Does.Contain("ControlMaster=no").And.Contain("BatchMode=yes"));
        Assert.That(args[^1], Is.EqualTo("test -S '/var/run/docker.sock'"));
    }

    private static List<string> Options(IReadOnlyList<string> args) =>
        args.Select((a, i) => (a, i)).Where(x => x.a == "-o").Select(x => args[x.i + 1]).ToList();

    private static string ValueAfter(IReadOnlyList<string> args, string flag) => args[args.ToList().IndexOf(flag) + 1];
}
