using ClusterCtl.Etcd;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// A cluster whose etcd keeps its WAL apart, as RKE's docs show it: <c>extra_args: {wal-dir: ...}</c> with an
/// <c>extra_binds</c> entry for it. A save works; a restore is refused with exit 2 naming the key, because it would
/// replace the member's db but leave the WAL that etcd replays over it. Nothing on the nodes may change.
/// </summary>
[NonParallelizable]
public class WalDirectoryTests
{
    private const string WalInContainer = "/var/lib/rancher/etcd-wal";
    private const string WalOnHost = "/var/lib/etcd/wal-disk";

    private EditedClusterYml _config = null!;

    [OneTimeSetUp]
    public async Task AClusterWhoseEtcdRunsWithItsWalApart()
    {
        await RestoreTestbed.RepairIfUnhealthyAsync();
        _config = EditedClusterYml.Write(yaml => yaml.Replace("  etcd: {}",
            $"  etcd:\n    extra_args:\n      wal-dir: {WalInContainer}\n    extra_binds:\n    - {WalOnHost}:{WalInContainer}", StringComparison.Ordinal));
        await RestoreTestbed.RecreateEtcdAsync(_config.Load(), node =>
        {
            Directory.Move(Path.Combine(RestoreTestbed.DataDirectory(node), "member", "wal"), WalDirectory(node));
            return Task.CompletedTask;
        });
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(Directory.Exists(Path.Combine(RestoreTestbed.DataDirectory(node), "member", "wal")), Is.False, $"node{node}: etcd writes its WAL apart, not in member/wal");
            Assert.That(Directory.GetFiles(WalDirectory(node), "*.wal"), Is.Not.Empty, $"node{node}: the WAL is in {WalOnHost}");
        }
    }

    [OneTimeTearDown]
    public async Task ResetToTheDefaultLayout()
    {
        _config.Dispose();
        await Testbed.RunAsync("reset");
    }

    [Test]
    public async Task A_restore_is_refused_with_exit_2_naming_wal_dir_and_no_node_changes()
    {
        await RestoreTestbed.PutAsync("/registry/configmaps/default/wal-a", "A");
        var save = await _config.RunAsync("etcd", "snapshot-save", "--name", "with-wal");
        await RestoreTestbed.PutAsync("/registry/configmaps/default/wal-b", "B");
        var started = new Dictionary<int, DateTimeOffset>();
        var wal = new Dictionary<int, string[]>();
        foreach (var node in RestoreTestbed.Nodes)
        {
            started[node] = await RestoreTestbed.StartedAtAsync(node, "etcd");
            wal[node] = WalFiles(node);
        }

        var restore = await _config.RunAsync("etcd", "snapshot-restore", "--name", "with-wal");

        Assert.That(save.ExitCode, Is.Zero, save.ToString());
        Assert.That(restore.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), restore.ToString());
        Assert.That(restore.StderrLines[^1], Does.Contain(EtcdDataLocation.WalDirKey).And.Contain("nothing was changed"));
        Assert.That(restore.Stderr, Does.Not.Contain("   at "), "no stack trace without --debug");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.StartedAtAsync(node, "etcd"), Is.EqualTo(started[node]), $"node{node}: etcd was not restarted");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/configmaps/default/wal-b"), Is.EqualTo("B"), $"node{node} keeps its data");
            Assert.That(WalFiles(node), Is.EqualTo(wal[node]), $"node{node}: its WAL is untouched");
            Assert.That(File.Exists(TestbedCli.SnapshotPath(node, "with-wal.zip")), Is.True, $"node{node} keeps its snapshot");
        }

        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
    }

    private static string WalDirectory(int node) => Path.Combine(RestoreTestbed.DataDirectory(node), Path.GetFileName(WalOnHost));

    private static string[] WalFiles(int node) =>
        [.. Directory.GetFiles(WalDirectory(node)).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length}").Order(StringComparer.Ordinal)];

}
