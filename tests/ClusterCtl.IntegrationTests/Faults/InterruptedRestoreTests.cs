using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Faults;

/// <summary>
/// Ctrl+C (SIGINT to the real clusterctl) at each phase of a restore. Before the point of no return: exit 130, no
/// etcd stopped, no copy or helper left, the lock free. After it: held, and the restore finishes.
/// </summary>
[NonParallelizable]
public class InterruptedRestoreTests
{
    private const string Snapshot = "interrupted";
    private string _after = null!;

    [OneTimeSetUp]
    public async Task OneSnapshotForEveryPhase()
    {
        await Testbed.RunAsync("reset");
        await RestoreTestbed.PutAsync("/registry/a", "A");
        var saved = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", Snapshot);
        Assert.That(saved.ExitCode, Is.Zero, saved.ToString());
    }

    [SetUp]
    public async Task AKeyTheSnapshotDoesNotHave()
    {
        _after = "after-" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync("/registry/b", _after);
    }

    [TestCase("Preflight on 3 etcd nodes", TestName = "Ctrl_C_in_the_preflight_changes_nothing")]
    [TestCase("extracting it on each node", TestName = "Ctrl_C_while_the_snapshot_is_put_in_place_changes_nothing")]
    [TestCase("snapshot restore into", TestName = "Ctrl_C_while_the_members_are_restored_beside_the_data_changes_nothing")]
    public async Task Before_the_point_of_no_return(string interruptAt)
    {
        var started = await PreflightTests.EtcdStartTimesAsync();

        var result = await InterruptAsync(interruptAt);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted), result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("POINT OF NO RETURN"));
        Assert.That(await PreflightTests.EtcdStartTimesAsync(), Is.EqualTo(started), "no etcd or kube-apiserver was stopped");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/b"), Is.EqualTo(_after), $"node{node} keeps its data");
            Assert.That(RestoreTestbed.TopLevelEntries(node), Has.None.StartsWith(RestoreLayout.ScratchPrefix), $"node{node}: no copy left");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
        var next = await TestbedCli.RunAsync("etcd", "snapshot-restore", "--name", Snapshot, "--dry-run");
        Assert.That(next.ExitCode, Is.Zero, "the lock is free for the next run\n" + next);
    }

    [TestCase("POINT OF NO RETURN", TestName = "Ctrl_C_as_etcd_stops_is_held_and_the_restore_finishes")]
    [TestCase("restored member moved in", TestName = "Ctrl_C_during_the_swap_is_held_and_the_restore_finishes")]
    [TestCase("started etcd as it is", TestName = "Ctrl_C_as_etcd_starts_is_held_and_the_restore_finishes")]
    [TestCase("started kube-apiserver", TestName = "Ctrl_C_during_the_component_restarts_is_held_and_the_restore_finishes")]
    public async Task After_the_point_of_no_return(string interruptAt)
    {
        var result = await InterruptAsync(interruptAt);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("Ctrl+C received after the point of no return: held"));
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/a"), Is.EqualTo("A"), $"node{node} holds the snapshot's data");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/b"), Is.Not.EqualTo(_after), $"node{node} holds nothing written after it");
        }

        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    private static async Task<CliResult> InterruptAsync(string interruptAt)
    {
        await using var restore = ClusterCtlProcess.Start(["etcd", "snapshot-restore", "--name", Snapshot, "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile()]);
        await restore.WaitForLinesAsync(interruptAt, 1, TimeSpan.FromMinutes(2));
        restore.Signal(ClusterCtlProcess.SigInt);
        return await restore.WaitForExitAsync(TimeSpan.FromMinutes(3));
    }
}
