using ClusterCtl.Restore;
using NUnit.Framework.Interfaces;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// Failures after the point of no return: the restore puts the cluster back by itself (exit 1), or, when it cannot,
/// says exactly what to do (exit 3). Each test breaks one node at a chosen moment.
/// </summary>
[NonParallelizable]
public class RollbackTests
{
    private string _key = "";

    [OneTimeSetUp]
    public Task Reset() => Testbed.RunAsync("reset");

    [SetUp]
    public void NewKey() => _key = "b-" + Guid.NewGuid().ToString("N")[..8];

    [TearDown]
    public async Task RepairWhatAFailedTestBroke()
    {
        // CLUSTERCTL_KEEP_BROKEN=1 leaves the evidence (containers, logs, data dirs) for a look.
        if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Passed && Environment.GetEnvironmentVariable("CLUSTERCTL_KEEP_BROKEN") != "1")
        {
            await Testbed.RunAsync("reset");
        }
    }

    [Test]
    public async Task A_restore_helper_failing_on_one_node_refuses_the_restore_while_etcd_still_runs()
    {
        var config = TestbedSession.LoadConfig();
        var (logger, log) = TestLog.Create();
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        await RestoreTestbed.PutAsync(_key, "after-the-snapshot");
        var started = await PreflightTests.EtcdStartTimesAsync();
        var options = new RestoreOptions { BeforePhase = RestoreFaults.At(RestorePhase.Restore, () => RestoreFaults.RemoveSnapshot(2, session.RunId)) };

        var e = Assert.ThrowsAsync<ClusterCtlException>(() => RestoreTestbed.RestoreAsync(config, session, snapshot, options, logger, CancellationToken.None));

        Assert.That(e, Is.Not.InstanceOf<RestoreFailedException>(), string.Join('\n', log.Lines));
        Assert.That(e!.Message, Does.StartWith("restore refused, nothing was changed: snapshot restore on " + Testbed.NodeAddress(2)));
        Assert.That(log.Lines, Has.None.Contains("POINT OF NO RETURN"));
        Assert.That(await PreflightTests.EtcdStartTimesAsync(), Is.EqualTo(started), "etcd and kube-apiserver never stopped");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, _key), Is.EqualTo("after-the-snapshot"), $"node{node} keeps its data");
            Assert.That(RestoreTestbed.TopLevelEntries(node), Has.None.StartsWith(RestoreLayout.PreRestorePrefix), $"node{node}: no member was moved");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    [Test]
    public async Task A_swap_failing_on_one_node_rolls_back_with_the_newest_data_readable()
    {
        var config = TestbedSession.LoadConfig();
        var (logger, log) = TestLog.Create();
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        await RestoreTestbed.PutAsync(_key, "after-the-snapshot");
        var etcdIds = await EtcdIdsAsync();
        var options = new RestoreOptions { BeforePhase = RestoreFaults.At(RestorePhase.Swap, () => RestoreFaults.RemoveRestoredMember(2, session.RunId)) };

        var e = Assert.ThrowsAsync<RestoreFailedException>(() => RestoreTestbed.RestoreAsync(config, session, snapshot, options, logger, CancellationToken.None));

        Assert.That(e!.ExitCode, Is.EqualTo(ExitCodes.Failed), string.Join('\n', log.Lines));
        Assert.That(e.Report.Outcome, Is.EqualTo(RestoreOutcome.RolledBack));
        Assert.That(e.Message, Does.Contain(Testbed.NodeAddress(2)).And.Contain("rolled back"));
        Assert.That(e.Report.Phases.Single(p => !p.Succeeded).Phase, Is.EqualTo(RestorePhase.Swap));
        await AssertAsBeforeAsync(etcdIds);
    }

    [Test]
    public async Task A_failure_at_the_point_of_no_return_before_etcd_was_touched_leaves_etcd_running()
    {
        var config = TestbedSession.LoadConfig();
        var (logger, log) = TestLog.Create();
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        var started = await PreflightTests.EtcdStartTimesAsync();
        var options = new RestoreOptions { BeforePhase = RestoreFaults.At(RestorePhase.Stop, () => throw new InvalidOperationException("injected")) };

        var e = Assert.ThrowsAsync<RestoreFailedException>(() => RestoreTestbed.RestoreAsync(config, session, snapshot, options, logger, CancellationToken.None));

        Assert.That(e!.Report.Outcome, Is.EqualTo(RestoreOutcome.RolledBack), string.Join('\n', log.Lines));
        Assert.That(e.Message, Does.Contain("injected"));
        Assert.That(await PreflightTests.EtcdStartTimesAsync(), Is.EqualTo(started), "etcd and kube-apiserver never stopped");
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    [Test]
    public async Task Etcd_that_cannot_start_after_the_swap_rolls_back_the_data_and_the_recreated_containers()
    {
        var config = RestoreFaults.ConfigWithDifferentEtcdArgs();
        var (logger, log) = TestLog.Create();
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        await RestoreTestbed.PutAsync(_key, "after-the-snapshot");
        var etcdIds = await EtcdIdsAsync();
        var options = new RestoreOptions
        {
            HealthTimeout = TimeSpan.FromSeconds(20),
            BeforePhase = RestoreFaults.At(RestorePhase.StartEtcd, () => RestoreFaults.CorruptWal(2)),
        };

        var e = Assert.ThrowsAsync<RestoreFailedException>(() => RestoreTestbed.RestoreAsync(config, session, snapshot, options, logger, CancellationToken.None));

        Assert.That(e!.ExitCode, Is.EqualTo(ExitCodes.Failed), string.Join('\n', log.Lines));
        Assert.That(e.Report.Outcome, Is.EqualTo(RestoreOutcome.RolledBack));
        Assert.That(e.Report.Phases.Single(p => !p.Succeeded).Phase, Is.EqualTo(RestorePhase.StartEtcd));
        Assert.That(log.Lines, Has.Some.Contains("keeping it as etcd-old-"), "every container differed from the changed cluster.yml");
        await AssertAsBeforeAsync(etcdIds);
        foreach (var node in RestoreTestbed.Nodes)
        {
            var entries = RestoreTestbed.TopLevelEntries(node);
            Assert.That(entries, Does.Contain(RestoreLayout.FailedRestoreDirectoryName(session.RunId)), $"node{node}: the restored member was moved aside");
            Assert.That(Directory.Exists(Path.Combine(RestoreTestbed.DataDirectory(node), RestoreLayout.FailedRestoreDirectoryName(session.RunId), "member")), Is.True);
            Assert.That(entries, Has.None.StartsWith(RestoreLayout.PreRestorePrefix), $"node{node}: the emptied pre-restore dir is gone");
            Assert.That(await RestoreTestbed.ContainerNamesAsync(node), Has.None.StartsWith(RestoreLayout.OldEtcdContainerPrefix));
        }
    }

    [Test]
    public async Task A_rollback_that_cannot_find_the_old_data_exits_3_with_the_manual_steps_for_that_node()
    {
        var config = TestbedSession.LoadConfig();
        var (logger, log) = TestLog.Create();
        await using var session = await RestoreTestbed.OpenAsync(config);
        var snapshot = await RestoreTestbed.SaveAsync(config, session);
        var options = new RestoreOptions
        {
            HealthTimeout = TimeSpan.FromSeconds(15),
            BeforePhase = RestoreFaults.All(
                RestoreFaults.At(RestorePhase.StartEtcd, () => RestoreFaults.CorruptWal(2)),
                RestoreFaults.At(RestorePhase.Rollback, () => RestoreFaults.HidePreRestore(2))),
        };

        try
        {
            var e = Assert.ThrowsAsync<RestoreFailedException>(() => RestoreTestbed.RestoreAsync(config, session, snapshot, options, logger, CancellationToken.None));

            Assert.That(e!.ExitCode, Is.EqualTo(ExitCodes.NeedsManualAttention), string.Join('\n', log.Lines));
            Assert.That(e.Report.Outcome, Is.EqualTo(RestoreOutcome.NeedsManualAttention));
            Assert.That(e.Message, Does.Contain("manual attention").And.Contain(Testbed.NodeAddress(2)));
            var steps = e.Report.ManualSteps;
            Assert.That(steps.Select(s => s.Host).Distinct(), Is.EqualTo(new[] { Testbed.NodeAddress(2) }), "only the node that failed needs hands");
            Assert.That(steps.Select(s => s.Command), Has.Some.Contains("mv member failed-restore-" + session.RunId).And.Some.Contains("docker start etcd"));
            Assert.That(log.Lines, Has.Some.Contains("MANUAL STEP on " + Testbed.NodeAddress(2)));
            Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
        }
        finally
        {
            await Testbed.RunAsync("reset");
        }
    }

    private static async Task<Dictionary<int, string>> EtcdIdsAsync()
    {
        var ids = new Dictionary<int, string>();
        foreach (var node in RestoreTestbed.Nodes)
        {
            ids[node] = await RestoreTestbed.ContainerIdAsync(node, "etcd");
        }

        return ids;
    }

    /// <summary>The original etcd containers run the original data, healthy, with the newest key; kube-apiserver runs; no helpers are left.</summary>
    private async Task AssertAsBeforeAsync(Dictionary<int, string> etcdIds)
    {
        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True, "etcd is healthy after the rollback");
        Assert.That(await RestoreTestbed.LeadersAsync(), Is.EqualTo(1));
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, _key), Is.EqualTo("after-the-snapshot"), $"node{node} has the data written after the snapshot");
            Assert.That(await RestoreTestbed.ContainerIdAsync(node, "etcd"), Is.EqualTo(etcdIds[node]), $"node{node} runs its original etcd container");
            Assert.That(await RestoreTestbed.ContainerNamesAsync(node, all: false), Does.Contain("kube-apiserver"), $"node{node}: kube-apiserver was started again");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }
}
