using System.Runtime.Versioning;
using ClusterCtl.Hosts;
using ClusterCtl.Testing;
using Serilog.Core;

namespace ClusterCtl.IntegrationTests.Hosts;

/// <summary>The connector against a fake ssh (a shell script it really starts): no testbed, no network, no sshd.</summary>
[UnsupportedOSPlatform("windows")]
public class HostConnectorWithFakeSshTests
{
    private static readonly string[] TwoHosts = ["10.213.0.11", "10.213.0.12"];

    [Test]
    public async Task Unreachable_hosts_are_reported_per_host_instead_of_thrown()
    {
        using var ssh = FakeSsh.Failing("ssh: connect to host x port 22: No route to host");
        await using var connector = new HostConnector(new SshClientOptions { SshExecutable = ssh.Path }, Logger.None);

        var result = await connector.ConnectAsync([Node("10.213.0.11"), Node("10.213.0.12")], CancellationToken.None);

        Assert.That(result.Tunnels, Is.Empty);
        Assert.That(result.Failures.Keys.Order(StringComparer.Ordinal), Is.EqualTo(TwoHosts));
        Assert.That(result.Failures["10.213.0.12"].Failure, Is.EqualTo(HostConnectionFailure.Unreachable));
    }

    [Test]
    public async Task A_handshake_cut_short_is_retried()
    {
        using var ssh = FakeSsh.Failing("kex_exchange_identification: read: Connection reset by peer\nConnection reset by 10.213.0.11 port 22");
        await using var connector = new HostConnector(new SshClientOptions { SshExecutable = ssh.Path, HandshakeRetries = 1 }, Logger.None);

        var result = await connector.ConnectAsync([Node("10.213.0.11")], CancellationToken.None);

        Assert.That(ssh.Runs, Has.Count.EqualTo(2));
        Assert.That(result.Failures["10.213.0.11"].Failure, Is.EqualTo(HostConnectionFailure.HandshakeRejected));
    }

    [Test]
    public async Task Other_failures_are_not_retried()
    {
        using var ssh = FakeSsh.Failing("root@10.213.0.11: Permission denied (publickey).");
        await using var connector = new HostConnector(new SshClientOptions { SshExecutable = ssh.Path }, Logger.None);

        await connector.ConnectAsync([Node("10.213.0.11")], CancellationToken.None);

        Assert.That(ssh.Runs, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Hosts_are_connected_to_in_parallel()
    {
        // Each fake ssh hangs until its connection would time out, ten minutes from now: all eight running at once
        // can only mean they were started without waiting for one another. No wall-clock figure is asserted.
        using var ssh = FakeSsh.Hanging();
        var options = new SshClientOptions { SshExecutable = ssh.Path, ReadyTimeout = TimeSpan.FromMinutes(10) };
        await using var connector = new HostConnector(options, Logger.None);
        using var cancellation = new CancellationTokenSource();

        var connecting = connector.ConnectAsync(Enumerable.Range(1, 8).Select(i => Node($"10.213.0.{i}")), cancellation.Token);
        for (var polls = 0; ssh.Runs.Count < 8 && !connecting.IsCompleted && polls < 600; polls++)
        {
            await Task.Delay(100);
        }

        var running = ssh.Runs.Count(pid => Directory.Exists($"/proc/{pid}"));
        await cancellation.CancelAsync();
        Assert.That(async () => await connecting, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(running, Is.EqualTo(8));
    }

    [Test]
    public async Task Cancelling_throws_and_leaves_no_ssh_running()
    {
        using var ssh = FakeSsh.Hanging();
        await using var connector = new HostConnector(new SshClientOptions { SshExecutable = ssh.Path }, Logger.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.That(async () => await connector.ConnectAsync([Node("10.213.0.11"), Node("10.213.0.12")], cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());

        // No grace period: each tunnel waits for its killed ssh to exit before the cancellation reaches the caller.
        Assert.That(ssh.Runs.Where(pid => Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] != "Z"), Is.Empty);
    }

    private static SshEndpoint Node(string address) => new(address, address, "root");
}
