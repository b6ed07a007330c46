using System.Globalization;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Hosts;

/// <summary>
/// The cluster lock through the real command, judged by the containers on the nodes: held on every etcd node or
/// refused, taken over only from a provably gone process, released by --force-unlock, and a locked run's sweep
/// sparing the helpers of a read-only run that is still going.
/// </summary>
[NonParallelizable]
public class ClusterLockTests
{
    [TearDown]
    public async Task RemovePlantedContainers()
    {
        foreach (var node in RestoreTestbed.Nodes)
        {
            await Testbed.TryRunAsync("docker", Node(node), "rm", "-f", ClusterLock.ContainerName, "planted-reader-live", "planted-reader-gone");
        }
    }

    [Test]
    public async Task A_save_that_cannot_reach_an_etcd_node_holding_someone_elses_lock_is_refused_and_writes_nothing()
    {
        // A run on another machine that saw only node 3 holds the lock there; we cannot see node 3.
        await PlantLockAsync(3, RunOwner.Current with { Machine = "other-bastion" }, "20260101T000000-elsewhere");
        var name = "lock-all-" + Guid.NewGuid().ToString("N")[..6];
        await Testbed.RunAsync("cut", "3");
        CliResult result;
        try
        {
            result = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name);
        }
        finally
        {
            await Testbed.RunAsync("heal", "3");
        }

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stderr, Does.Contain("every etcd node").And.Contain(Testbed.NodeAddress(3)));
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(TestbedCli.SnapshotFiles(node).Select(Path.GetFileName), Has.None.Contains(name), $"node{node} got no snapshot");
        }

        Assert.That(await LockHolderAsync(1), Is.Null, "no lock left on node 1");
        Assert.That(await LockHolderAsync(2), Is.Null, "no lock left on node 2");
        Assert.That(await LockHolderAsync(3), Is.EqualTo("20260101T000000-elsewhere"), "the other run's lock is untouched");
    }

    [Test]
    public async Task A_prune_is_refused_when_an_etcd_node_is_unreachable()
    {
        await Testbed.RunAsync("cut", "2");
        CliResult result;
        try
        {
            result = await TestbedCli.RunAsync("etcd", "snapshot-prune", "--retention", "1");
        }
        finally
        {
            await Testbed.RunAsync("heal", "2");
        }

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stderr, Does.Contain("snapshot-prune refused").And.Contain(Testbed.NodeAddress(2)));
        Assert.That(result.Stdout, Is.Empty, "nothing was pruned");
    }

    [Test]
    public async Task A_lock_of_a_gone_process_of_another_boot_or_machine_is_not_taken_over_and_force_unlock_releases_it()
    {
        using var exited = System.Diagnostics.Process.Start("true")!;
        await exited.WaitForExitAsync();
        var otherBoot = RunOwner.Current with { Pid = exited.Id, StartTicks = null, BootId = "00000000-another-boot" };
        // The labels an older clusterctl wrote too: with them alone, the same machine name and a gone pid were enough.
        await PlantLockAsync(1, otherBoot, "20260101T000000-otherboot",
            ["io.clusterctl.lock.machine=" + Environment.MachineName, "io.clusterctl.lock.pid=" + exited.Id.ToString(CultureInfo.InvariantCulture)]);
        await PlantLockAsync(2, RunOwner.Current with { Pid = exited.Id, StartTicks = null, Machine = "other-bastion" }, "20260101T000000-othermachine");
        var name = "force-" + Guid.NewGuid().ToString("N")[..6];

        var refused = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name);

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failed), refused.ToString());
        Assert.That(refused.Stderr, Does.Contain("locked by 'etcd snapshot-save' (run 20260101T000000-otherboot")
            .And.Contain($"pid {exited.Id}").And.Contain("--force-unlock"));
        Assert.That(await LockHolderAsync(1), Is.EqualTo("20260101T000000-otherboot"), "not taken over");
        Assert.That(await LockHolderAsync(2), Is.EqualTo("20260101T000000-othermachine"), "not taken over");

        var forced = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name, "--force-unlock");

        Assert.That(forced.ExitCode, Is.Zero, forced.ToString());
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await LockHolderAsync(node), Is.Null, $"node{node}: released after the run");
            Assert.That(TestbedCli.SnapshotFiles(node).Select(Path.GetFileName), Has.Member(name + ".zip"));
        }
    }

    [Test]
    public async Task A_locked_run_keeps_the_helpers_of_a_read_only_run_that_is_running_and_removes_those_of_a_gone_one()
    {
        using var exited = System.Diagnostics.Process.Start("true")!;
        await exited.WaitForExitAsync();
        // This test process stands for a snapshot-list that is running now.
        await PlantReadOnlyHelperAsync("planted-reader-live", RunOwner.Current, "20260101T000000-reader");
        await PlantReadOnlyHelperAsync("planted-reader-gone", RunOwner.Current with { Pid = exited.Id, StartTicks = null }, "20260101T000000-gone");

        var result = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", "sweep-" + Guid.NewGuid().ToString("N")[..6]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var left = await RestoreTestbed.ContainerNamesAsync(1);
        Assert.That(left, Has.Member("planted-reader-live"), "a running read-only run keeps its helper");
        Assert.That(left, Has.No.Member("planted-reader-gone"), "a gone one's is a leftover");
    }

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);

    private static async Task PlantLockAsync(int node, RunOwner owner, string runId, IReadOnlyList<string>? extraLabels = null)
    {
        var labels = owner.ToLabels().Select(l => $"{l.Key}={l.Value}")
            .Concat([$"{HelperLabels.RunId}={runId}", "io.clusterctl.lock.command=etcd snapshot-save", "io.clusterctl.lock.since=2026-01-01T00:00:00Z"])
            .Concat(extraLabels ?? []);
        await Testbed.RunAsync(["docker", Node(node), "create", "--name", ClusterLock.ContainerName, .. labels.SelectMany(l => new[] { "--label", l }), TestbedSession.LoadConfig().Images.Alpine, "true"]);
    }

    private static async Task PlantReadOnlyHelperAsync(string name, RunOwner owner, string runId)
    {
        var labels = owner.ToLabels().Select(l => $"{l.Key}={l.Value}")
            .Concat([$"{HelperLabels.Helper}=true", $"{HelperLabels.RunId}={runId}", $"{HelperLabels.ReadOnlyRun}=true"]);
        await Testbed.RunAsync(["docker", "1", "run", "-d", "--name", name, .. labels.SelectMany(l => new[] { "--label", l }), TestbedSession.LoadConfig().Images.Alpine, "sleep", "600"]);
    }

    /// <summary>The run id on the node's lock container, or null when there is none.</summary>
    private static async Task<string?> LockHolderAsync(int node)
    {
        var (exitCode, stdout, _) = await Testbed.TryRunAsync("docker", Node(node), "inspect", "-f", $"{{{{index .Config.Labels \"{HelperLabels.RunId}\"}}}}", ClusterLock.ContainerName);
        return exitCode == 0 ? stdout.Trim() : null;
    }
}
