using System.Runtime.Versioning;
using ClusterCtl.Hosts;
using Serilog.Core;

namespace ClusterCtl.Tests.Hosts;

[UnsupportedOSPlatform("windows")]
public class SshTunnelTests
{
    private static readonly SshEndpoint Node = new("10.213.0.12", "10.213.0.12", "root");
    private SshRuntimeDirectory _runtime = null!;

    [SetUp]
    public void CreateRuntimeDirectory() => _runtime = SshRuntimeDirectory.Create(Path.GetTempPath());

    [TearDown]
    public void RemoveRuntimeDirectory() => _runtime.Dispose();

    [Test]
    public void A_refused_login_becomes_an_authentication_failure_naming_the_host()
    {
        using var ssh = FakeSsh.Failing("root@10.213.0.12: Permission denied (publickey).");

        var exception = Assert.ThrowsAsync<HostConnectionException>(() => Open(ssh));

        Assert.That(exception.Failure, Is.EqualTo(HostConnectionFailure.AuthenticationFailed));
        Assert.That(exception.Host, Is.EqualTo("10.213.0.12"));
        Assert.That(exception.Message, Does.StartWith("10.213.0.12: "));
    }

    [Test]
    public void A_failed_connection_leaves_no_files_behind()
    {
        using var ssh = FakeSsh.Failing("ssh: connect to host 10.213.0.12 port 22: Connection refused");

        Assert.ThrowsAsync<HostConnectionException>(() => Open(ssh));

        Assert.That(Directory.GetFileSystemEntries(_runtime.Path).Select(Path.GetFileName), Is.EqualTo(new[] { SshRuntimeDirectory.OwnerFileName }));
    }

    [Test]
    public void A_tunnel_that_never_becomes_ready_times_out_and_its_ssh_is_killed()
    {
        using var ssh = FakeSsh.Hanging();

        var exception = Assert.ThrowsAsync<HostConnectionException>(() => Open(ssh, readyTimeout: TimeSpan.FromMilliseconds(500)));

        Assert.That(exception.Failure, Is.EqualTo(HostConnectionFailure.Timeout));
        Assert.That(exception.Message, Does.Contain("did not finish connecting"));
        Assert.That(ProcessIsGone(ssh.Runs.Single()), Is.True);
    }

    [Test]
    public async Task Cancelling_while_connecting_kills_ssh()
    {
        using var ssh = FakeSsh.Hanging();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.That(async () => await Open(ssh, cancellationToken: cancellation.Token), Throws.InstanceOf<OperationCanceledException>());

        await Task.Delay(100);
        Assert.That(ProcessIsGone(ssh.Runs.Single()), Is.True);
    }

    [Test]
    public void A_missing_ssh_client_is_reported_as_such()
    {
        var options = new SshClientOptions { SshExecutable = "/nonexistent/ssh" };

        var exception = Assert.ThrowsAsync<HostConnectionException>(() => SshTunnel.OpenAsync(Node, options, _runtime, Logger.None, CancellationToken.None));

        Assert.That(exception.Failure, Is.EqualTo(HostConnectionFailure.SshClientMissing));
    }

    [Test]
    public void A_missing_key_file_is_a_config_error_found_before_ssh_runs()
    {
        using var ssh = FakeSsh.Hanging();
        var endpoint = Node with { IdentityFile = "/nonexistent/id_rsa" };

        var exception = Assert.ThrowsAsync<HostConnectionException>(() => SshTunnel.OpenAsync(endpoint, new SshClientOptions { SshExecutable = ssh.Path }, _runtime, Logger.None, CancellationToken.None));

        Assert.That(exception.Failure, Is.EqualTo(HostConnectionFailure.KeyFileUnreadable));
        Assert.That(exception.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(exception.Message, Does.Contain("/nonexistent/id_rsa"));
        Assert.That(ssh.Runs, Is.Empty);
    }

    [Test]
    public void A_missing_bastion_key_file_is_blamed_on_the_bastion()
    {
        using var ssh = FakeSsh.Hanging();
        var endpoint = Node with { Bastion = new SshEndpoint("bastion", "10.213.0.1", "jump") { IdentityFile = "/nonexistent/bastion" } };

        var exception = Assert.ThrowsAsync<HostConnectionException>(() => SshTunnel.OpenAsync(endpoint, new SshClientOptions { SshExecutable = ssh.Path }, _runtime, Logger.None, CancellationToken.None));

        Assert.That(exception.Message, Does.Contain("bastion jump@10.213.0.1:22").And.Contain("/nonexistent/bastion"));
    }

    private Task<SshTunnel> Open(FakeSsh ssh, TimeSpan? readyTimeout = null, CancellationToken cancellationToken = default)
    {
        var options = new SshClientOptions { SshExecutable = ssh.Path, ReadyTimeout = readyTimeout ?? TimeSpan.FromSeconds(10) };
        return SshTunnel.OpenAsync(Node, options, _runtime, Logger.None, cancellationToken);
    }

    private static bool ProcessIsGone(int pid) => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z";
}
