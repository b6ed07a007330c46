using ClusterCtl.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// A snapshot of etcd 3.4 offered to a 3.5 cluster, and one of 3.5 offered to a 3.4 cluster: each is refused in the
/// preflight with exit 1 naming both versions, before any etcd stops.
/// </summary>
[NonParallelizable]
public class CrossVersionRestoreTests
{
    private string _kept = null!;

    [OneTimeSetUp]
    public void KeepSnapshotsHere() => _kept = Directory.CreateTempSubdirectory("cctl-cross-").FullName;

    [OneTimeTearDown]
    public async Task BackToTheDefault()
    {
        Directory.Delete(_kept, recursive: true);
        if (Testbed.Env["TB_ETCD"] != "3.5")
        {
            await Testbed.RunAsync("reset", "--etcd", "3.5");
        }
    }

    [Test]
    public async Task A_snapshot_of_each_minor_version_is_refused_by_a_cluster_of_the_other_and_nothing_changes()
    {
        // A reset empties the snapshot directories, so each snapshot waits here while the cluster changes version.
        var from34 = await SaveAndKeepAsync("3.4");
        var from35 = await SaveAndKeepAsync("3.5");

        var onto35 = await OfferAsync(from34, "3.5.16");
        await Testbed.RunAsync("reset", "--etcd", "3.4");
        var onto34 = await OfferAsync(from35, "3.4.23");

        Assert.That(onto35.ExitCode, Is.EqualTo(ExitCodes.Failed), onto35.ToString());
        Assert.That(onto35.StderrLines[^1], Does.Contain("the image runs etcd 3.5.16, the snapshot comes from etcd 3.4.23"));
        Assert.That(onto34.ExitCode, Is.EqualTo(ExitCodes.Failed), onto34.ToString());
        Assert.That(onto34.StderrLines[^1], Does.Contain("the image runs etcd 3.4.23, the snapshot comes from etcd 3.5.16"));
    }

    private async Task<string> SaveAndKeepAsync(string etcdVersion)
    {
        await Testbed.RunAsync("reset", "--etcd", etcdVersion);
        var name = "from" + etcdVersion.Replace(".", "", StringComparison.Ordinal) + "-" + Guid.NewGuid().ToString("N")[..6];
        var saved = await TestbedCli.RunAsync("etcd", "snapshot-save", "--name", name);
        Assert.That(saved.ExitCode, Is.Zero, saved.ToString());
        File.Copy(TestbedCli.SnapshotPath(1, name + ".zip"), Path.Combine(_kept, name + ".zip"));
        return name;
    }

    /// <summary>Puts the kept snapshot on every node and asks for its restore; etcd must not have been touched.</summary>
    private async Task<CliResult> OfferAsync(string name, string runningVersion)
    {
        foreach (var node in RestoreTestbed.Nodes)
        {
            Directory.CreateDirectory(RestoreTestbed.SnapshotDirectory(node));
            File.Copy(Path.Combine(_kept, name + ".zip"), TestbedCli.SnapshotPath(node, name + ".zip"));
        }

        var started = await PreflightTests.EtcdStartTimesAsync();
        var result = await TestbedCli.RunAsync("etcd", "snapshot-restore", "--name", name);
        Assert.That(await PreflightTests.EtcdStartTimesAsync(), Is.EqualTo(started), $"no etcd {runningVersion} or kube-apiserver was stopped");
        Assert.That(RestoreTestbed.Nodes.SelectMany(RestoreTestbed.TopLevelEntries), Has.None.StartsWith(RestoreLayout.ScratchPrefix), "no copy was left");
        return result;
    }
}
