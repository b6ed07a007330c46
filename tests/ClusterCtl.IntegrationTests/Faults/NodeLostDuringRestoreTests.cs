using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Faults;

/// <summary>
/// A node's link goes down while a restore streams the snapshot to it: the restore must stop before the point of no
/// return, name the node, and leave every etcd as it was; what it could not remove on the lost node goes with the next run.
/// </summary>
[NonParallelizable]
public class NodeLostDuringRestoreTests
{
    private const int LostNode = 2;

    [OneTimeSetUp]
    public Task StartFromAFreshCluster() => Testbed.RunAsync("reset");

    [TearDown]
    public async Task HealTheNode()
    {
        await Testbed.RunAsync("slow", "2", "off");
        await Testbed.RunAsync("heal", "2");
        // A member cut off for half a minute may take its time to catch up; the tests after this one start from a whole cluster.
        await Testbed.RunAsync("reset");
    }

    [Test]
    public async Task A_node_cut_off_while_the_snapshot_streams_to_it_stops_the_restore_before_the_point_of_no_return_and_names_it()
    {
        var name = "lost-" + Guid.NewGuid().ToString("N")[..6];
        await RestoreTestbed.PutAsync("/registry/a", "A");
        Assert.That((await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name)).ExitCode, Is.Zero);
        // Only node 1 keeps it, so the restore streams it to the others; the 16 MiB db takes seconds to reach a slowed
        // node 2, so the cut lands in the middle of that stream.
        File.Delete(TestbedCli.SnapshotPath(2, name + ".zip"));
        File.Delete(TestbedCli.SnapshotPath(3, name + ".zip"));
        await RestoreTestbed.PutAsync("/registry/b", "B");
        var started = await PreflightTests.EtcdStartTimesAsync();
        await Testbed.RunAsync("slow", "2", "8mbit");

        CliResult result;
        await using (var restore = ClusterCtlProcess.Start(["etcd", "snapshot-restore", "--name", name, "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile()]))
        {
            await restore.WaitForLinesAsync("and copying it to 3 etcd nodes", 1, TimeSpan.FromMinutes(2));
            await Testbed.RunAsync("cut", "2");
            result = await restore.WaitForExitAsync(TimeSpan.FromMinutes(3));
        }

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.StderrLines[^1], Does.Contain(Testbed.NodeAddress(LostNode)), "the one-line error names the lost node");
        Assert.That(result.Stderr, Does.Not.Contain("POINT OF NO RETURN"));
        await Testbed.RunAsync("heal", "2");
        Assert.That(await PreflightTests.EtcdStartTimesAsync(), Is.EqualTo(started), "no etcd or kube-apiserver was stopped");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/b"), Is.EqualTo("B"), $"node{node} keeps its data");
            if (node != LostNode)
            {
                Assert.That(RestoreTestbed.TopLevelEntries(node), Has.None.StartsWith(RestoreLayout.ScratchPrefix), $"node{node}: its partial copy was removed");
            }
        }

        var cleanup = await TestbedCli.RunAsync("etcd", "cleanup");
        Assert.That(cleanup.ExitCode, Is.Zero, cleanup.ToString());
        Assert.That(RestoreTestbed.TopLevelEntries(LostNode), Has.None.StartsWith(RestoreLayout.ScratchPrefix), "the next run removes what the lost node kept");
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }
}
