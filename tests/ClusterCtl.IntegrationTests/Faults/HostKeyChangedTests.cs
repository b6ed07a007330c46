using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Faults;

/// <summary>A node's SSH host key changes between two runs: the next save and restore are refused, with the fix, and touch no node.</summary>
[NonParallelizable]
public class HostKeyChangedTests
{
    [TearDown]
    public Task GiveTheKeyBack() => Testbed.RunAsync("unrekey", "3");

    [Test]
    public async Task A_node_whose_host_key_changed_refuses_save_and_restore_with_the_fix_and_no_node_is_touched()
    {
        var knownHosts = Testbed.NewKnownHostsFile();
        var before = "before-rekey-" + Guid.NewGuid().ToString("N")[..6];
        var saved = await RunAsync(knownHosts, "etcd", "snapshot-save", "--name", before);
        Assert.That(saved.ExitCode, Is.Zero, saved.ToString());
        await Testbed.RunAsync("rekey", "3");
        var files = RestoreTestbed.Nodes.ToDictionary(n => n, TestbedCli.SnapshotFiles);
        var started = await PreflightTests.EtcdStartTimesAsync();

        var save = await RunAsync(knownHosts, "etcd", "snapshot-save", "--name", "after-" + before);
        var restore = await RunAsync(knownHosts, "etcd", "snapshot-restore", "--name", before);

        foreach (var result in new[] { save, restore })
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            Assert.That(result.Stderr, Does.Contain($"host key of {Testbed.NodeAddress(3)}").And.Contain("changed").And.Contain("ssh-keygen"), "names the node and the fix");
        }

        Assert.That(RestoreTestbed.Nodes.ToDictionary(n => n, TestbedCli.SnapshotFiles), Is.EqualTo(files), "no snapshot file was written or removed");
        Assert.That(await PreflightTests.EtcdStartTimesAsync(), Is.EqualTo(started), "no etcd was stopped");
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    private static Task<CliResult> RunAsync(string knownHosts, params string[] args) =>
        ClusterCtlRunner.RunAsync([.. args, "--config", Testbed.ClusterYml, "--known-hosts", knownHosts]);
}
