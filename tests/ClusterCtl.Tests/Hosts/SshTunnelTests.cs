using System.Runtime.Versioning;
using ClusterCtl.Hosts;
using ClusterCtl.Testing;
using Serilog.Core;

namespace ClusterCtl.Tests.Hosts;

/// <summary>What the tunnel finds wrong before it starts ssh; the tests that run a (fake) ssh are in the integration project.</summary>
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
        Assert.That(ssh.Runs, Is.Empty);
    }
}
