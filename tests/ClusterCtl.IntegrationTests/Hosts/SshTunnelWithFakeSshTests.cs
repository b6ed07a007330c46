using System.Runtime.Versioning;
using ClusterCtl.Hosts;
using ClusterCtl.Testing;
using Serilog.Core;

namespace ClusterCtl.IntegrationTests.Hosts;

/// <summary>The tunnel against a fake ssh (a shell script it really starts): no testbed, no network, no sshd.</summary>
[UnsupportedOSPlatform("windows")]
public class SshTunnelWithFakeSshTests
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
    public void Cancelling_while_connecting_kills_ssh()
    {
        using var ssh = FakeSsh.Hanging();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.That(async () => await Open(ssh, cancellationToken: cancellation.Token), Throws.InstanceOf<OperationCanceledException>());

        // No grace period: the tunnel waits for its killed ssh to exit before the cancellation reaches the caller.
        Assert.That(ProcessIsGone(ssh.Runs.Single()), Is.True);
    }

    private Task<SshTunnel> Open(FakeSsh ssh, TimeSpan? readyTimeout = null, CancellationToken cancellationToken = default)
    {
        var options = new SshClientOptions { SshExecutable = ssh.Path, ReadyTimeout = readyTimeout ?? TimeSpan.FromSeconds(10) };
        return SshTunnel.OpenAsync(Node, options, _runtime, Logger.None, cancellationToken);
    }

    private static bool ProcessIsGone(int pid) => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z";
}
