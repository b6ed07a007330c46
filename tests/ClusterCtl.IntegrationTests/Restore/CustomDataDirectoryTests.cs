using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;
using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// A cluster whose etcd keeps its data where RKE users move it: <c>extra_args: {data-dir: /etcd-data}</c> with
/// <c>extra_binds: ["/var/lib/etcd/custom:/etcd-data"]</c> (below the testbed's per-node mount, so that the moves stay
/// renames). The restore must replace that member, not /var/lib/etcd/member, and must never report success while etcd
/// runs on its old data. Each fixture starts from and ends with a reset, which brings back the default layout.
/// </summary>
[NonParallelizable]
[TestFixture("3.5")]
[TestFixture("3.4")]
public class CustomDataDirectoryTests(string etcdVersion)
{
    private const string CustomDirectory = "custom";
    private const string DataDirInContainer = "/etcd-data";

    [OneTimeSetUp]
    public async Task ResetToThisEtcdVersionAndMoveEtcdIntoTheCustomDataDir()
    {
        await Testbed.RunAsync("reset", "--etcd", etcdVersion);
        await MoveEtcdIntoTheCustomDataDirAsync(ConfigWithCustomDataDir());
    }

    [OneTimeTearDown]
    public Task ResetToTheDefaultLayout() => Testbed.RunAsync("reset", "--etcd", "3.5");

    [Test]
    public async Task A_cluster_whose_etcd_data_dir_is_in_an_extra_bind_is_restored_in_that_directory()
    {
        var config = ConfigWithCustomDataDir();
        var (logger, log) = TestLog.Create();
        var (session, snapshot, key) = await SnapshotBetweenTwoKeysAsync(config);
        await using var _ = session;

        var report = await RestoreTestbed.RestoreAsync(config, session, snapshot, new RestoreOptions(), logger, CancellationToken.None);

        Assert.That(report.Outcome, Is.EqualTo(RestoreOutcome.Restored), string.Join('\n', log.Lines));
        foreach (var node in RestoreTestbed.Nodes)
        {
            var custom = Path.Combine(RestoreTestbed.DataDirectory(node), CustomDirectory);
            var args = await Testbed.RunAsync("docker", Node(node), "inspect", "-f", "{{json .Args}}", "etcd");
            Assert.That(args, Does.Contain($"--data-dir={DataDirInContainer}"), $"node{node}: etcd still runs on the custom data dir");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, key + "-a"), Is.EqualTo("x"), $"node{node} serves the snapshot's keys");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, key + "-b"), Is.Empty, $"node{node} serves none written after the snapshot: its data was restored");
            Assert.That(Directory.Exists(Path.Combine(custom, "member", "wal")), Is.True, $"node{node}: the restored member is in the custom data dir");
            Assert.That(report.PreRestoreDirectory, Is.EqualTo("/var/lib/etcd/custom/" + Path.GetFileName(report.PreRestoreDirectory)));
            Assert.That(Directory.Exists(Path.Combine(custom, Path.GetFileName(report.PreRestoreDirectory)!, "member")), Is.True,
                $"node{node}: the replaced member is kept beside it, in the custom data dir");
            Assert.That(Directory.GetDirectories(custom, RestoreLayout.ScratchPrefix + "*"), Is.Empty, $"node{node}: the scratch dir is gone");
            Assert.That(RestoreTestbed.TopLevelEntries(node), Is.EqualTo(new[] { CustomDirectory }), $"node{node}: nothing was written beside the custom data dir");
        }

        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
        if (etcdVersion == "3.5")
        {
            Assert.That(report.FinalRevision, Is.GreaterThanOrEqualTo(report.Snapshot.Revision + RestoreHelperSpecs.RevisionBump), "the bumped revision proves the restored data is served");
        }
    }

    [Test]
    public async Task An_etcd_that_does_not_run_on_the_restored_member_is_rolled_back_never_reported_as_restored()
    {
        var config = ConfigWithCustomDataDir();
        var (logger, log) = TestLog.Create();
        var (session, snapshot, key) = await SnapshotBetweenTwoKeysAsync(config);
        await using var _ = session;
        // As if node 2's etcd ran on another directory than the one swapped: its member lacks this run's marker. Its
        // member ids and (on 3.5) revision are those of the restore, so only the marker can tell.
        var marker = Path.Combine(RestoreTestbed.DataDirectory(2), CustomDirectory, "member", RestoreLayout.RestoredMarkerName(session.RunId));
        var options = new RestoreOptions { BeforePhase = RestoreFaults.At(RestorePhase.StartEtcd, () => File.Delete(marker)) };

        var e = Assert.ThrowsAsync<RestoreFailedException>(() => RestoreTestbed.RestoreAsync(config, session, snapshot, options, logger, CancellationToken.None));

        Assert.That(e!.Report.Outcome, Is.EqualTo(RestoreOutcome.RolledBack), string.Join('\n', log.Lines));
        Assert.That(e.Report.Failure, Does.Contain($"etcd on {Testbed.NodeAddress(2)} is healthy but does not run on the restored member"));
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, key + "-b"), Is.EqualTo("z"), $"node{node} runs on its data from before the restore again");
            Assert.That(Directory.GetDirectories(Path.Combine(RestoreTestbed.DataDirectory(node), CustomDirectory), RestoreLayout.FailedRestorePrefix + "*"), Has.Length.EqualTo(1),
                $"node{node}: the restored member is kept aside in the custom data dir");
        }

        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
    }

    /// <summary>key-a written, a snapshot saved on every node, then key-b written.</summary>
    private static async Task<(ClusterSession Session, string Snapshot, string Key)> SnapshotBetweenTwoKeysAsync(ClusterConfig config)
    {
        var key = "t" + Guid.NewGuid().ToString("N")[..8];
        await RestoreTestbed.PutAsync(key + "-a", "x");
        var session = await RestoreTestbed.OpenAsync(config);
        try
        {
            var snapshot = await RestoreTestbed.SaveAsync(config, session);
            await RestoreTestbed.PutAsync(key + "-b", "z");
            return (session, snapshot, key);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>The testbed's cluster.yml with etcd's data dir moved into an extra bind, as an RKE user does it.</summary>
    private static ClusterConfig ConfigWithCustomDataDir()
    {
        var yaml = File.ReadAllText(Testbed.ClusterYml);
        var changed = yaml.Replace("  etcd: {}",
            $"  etcd:\n    extra_args:\n      data-dir: {DataDirInContainer}\n    extra_binds:\n    - /var/lib/etcd/{CustomDirectory}:{DataDirInContainer}", StringComparison.Ordinal);
        Assert.That(changed, Is.Not.EqualTo(yaml), "the testbed's cluster.yml has 'etcd: {}' under services");
        return ClusterConfigLoader.Parse(changed, Testbed.ClusterYml);
    }

    /// <summary>What an operator does to move etcd's data: stop etcd everywhere, move each member, run etcd from the changed cluster.yml.</summary>
    private static async Task MoveEtcdIntoTheCustomDataDirAsync(ClusterConfig config)
    {
        await RestoreTestbed.RecreateEtcdAsync(config, node =>
        {
            var custom = Directory.CreateDirectory(Path.Combine(RestoreTestbed.DataDirectory(node), CustomDirectory));
            Directory.Move(Path.Combine(RestoreTestbed.DataDirectory(node), "member"), Path.Combine(custom.FullName, "member"));
            return Task.CompletedTask;
        });
        Assert.That(RestoreTestbed.TopLevelEntries(1), Is.EqualTo(new[] { CustomDirectory }), "etcd runs on the moved member, not on a new one in /var/lib/etcd");
    }

    private static string Node(int node) => node.ToString(CultureInfo.InvariantCulture);
}
