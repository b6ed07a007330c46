using ClusterCtl.Config;
using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>The cleaner's script on temp dirs: the newest N pre-restore dirs stay, everything a restore or an interrupted snapshot left goes.</summary>
public class EtcdCleanerTests
{
    private string _data = null!;
    private string _snapshots = null!;

    [SetUp]
    public void CreateDirectories()
    {
        _data = Directory.CreateTempSubdirectory("clusterctl-data-").FullName;
        _snapshots = Directory.CreateTempSubdirectory("clusterctl-snapshots-").FullName;
        foreach (var directory in new[] { "member", "pre-restore-2026-01-01T00-00-00Z", "pre-restore-2026-03-01T00-00-00Z", "pre-restore-2026-02-01T00-00-00Z", "failed-restore-r1", "restore-r2", "unrelated" })
        {
            Directory.CreateDirectory(Path.Combine(_data, directory));
        }

        foreach (var file in new[] { "a.zip", ".a.zip.upload", "b.zip.partial", "c.tmp", "d.zip" })
        {
            File.WriteAllText(Path.Combine(_snapshots, file), "x");
        }
    }

    [TearDown]
    public void RemoveDirectories()
    {
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_snapshots, recursive: true);
    }

    private static string[] Entries(string directory) => Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    [Test]
    public async Task It_keeps_the_newest_pre_restore_dir_and_removes_the_leftovers()
    {
        var (exit, stdout, stderr) = await NodeShell.RunAsync(EtcdCleaner.Script(1, dryRun: false, etcdRunning: true), _data, _snapshots);

        Assert.That(exit, Is.Zero, stderr);
        Assert.That(Entries(_data), Is.EqualTo(new[] { "member", "pre-restore-2026-03-01T00-00-00Z", "unrelated" }));
        Assert.That(Entries(_snapshots), Is.EqualTo(new[] { "a.zip", "d.zip" }));
        var config = ClusterConfigLoader.Parse("nodes:\n- {address: 10.0.0.1, user: rke, role: [etcd]}\n", "cluster.yml");
        var items = new EtcdCleaner(config, Serilog.Core.Logger.None).ParseItems("10.0.0.1", stdout).ToList();
        Assert.That(items.Select(i => i.Path), Is.EquivalentTo(new[]
        {
            "/var/lib/etcd/pre-restore-2026-01-01T00-00-00Z", "/var/lib/etcd/pre-restore-2026-02-01T00-00-00Z",
            "/var/lib/etcd/failed-restore-r1", "/var/lib/etcd/restore-r2",
            "/opt/rke/etcd-snapshots/.a.zip.upload", "/opt/rke/etcd-snapshots/b.zip.partial", "/opt/rke/etcd-snapshots/c.tmp",
        }));
        Assert.That(items.Where(i => i.Path.Contains("pre-restore", StringComparison.Ordinal)).Select(i => i.Kind), Is.All.EqualTo("pre-restore"));
    }

    [Test]
    public async Task A_dry_run_lists_the_same_and_removes_nothing()
    {
        var before = (Entries(_data), Entries(_snapshots));

        var (exit, stdout, _) = await NodeShell.RunAsync(EtcdCleaner.Script(0, dryRun: true, etcdRunning: true), _data, _snapshots);

        Assert.That(exit, Is.Zero);
        Assert.That(stdout.Split('\n').Count(l => l.StartsWith("item\t", StringComparison.Ordinal)), Is.EqualTo(8), "keep 0: all three pre-restore dirs");
        Assert.That((Entries(_data), Entries(_snapshots)), Is.EqualTo(before));
    }

    [Test]
    public async Task Keeping_more_than_there_are_removes_no_pre_restore_dir()
    {
        var (exit, _, _) = await NodeShell.RunAsync(EtcdCleaner.Script(5, dryRun: false, etcdRunning: true), _data, _snapshots);

        Assert.That(exit, Is.Zero);
        Assert.That(Entries(_data).Count(e => e.StartsWith("pre-restore-", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    [Test]
    public async Task Keeping_none_removes_every_pre_restore_dir_when_the_member_dir_is_there_and_etcd_runs()
    {
        var (exit, stdout, _) = await NodeShell.RunAsync(EtcdCleaner.Script(0, dryRun: false, etcdRunning: true), _data, _snapshots);

        Assert.That(exit, Is.Zero);
        Assert.That(Entries(_data).Where(e => e.StartsWith("pre-restore-", StringComparison.Ordinal)), Is.Empty);
        Assert.That(stdout, Does.Not.Contain("kept\t"));
    }

    [Test]
    public async Task Keeping_none_still_keeps_the_newest_pre_restore_dir_while_etcd_is_not_running()
    {
        var (exit, stdout, _) = await NodeShell.RunAsync(EtcdCleaner.Script(0, dryRun: false, etcdRunning: false), _data, _snapshots);

        Assert.That(exit, Is.Zero);
        Assert.That(Entries(_data).Where(e => e.StartsWith("pre-restore-", StringComparison.Ordinal)), Is.EqualTo(new[] { "pre-restore-2026-03-01T00-00-00Z" }));
        Assert.That(stdout, Does.Contain("kept\tpre-restore-2026-03-01T00-00-00Z\tetcd is not running"));
    }

    [Test]
    public async Task Keeping_none_still_keeps_the_newest_pre_restore_dir_when_the_node_has_no_member_dir()
    {
        Directory.Delete(Path.Combine(_data, "member"));

        var (exit, stdout, _) = await NodeShell.RunAsync(EtcdCleaner.Script(0, dryRun: false, etcdRunning: true), _data, _snapshots);

        Assert.That(exit, Is.Zero);
        Assert.That(Entries(_data).Where(e => e.StartsWith("pre-restore-", StringComparison.Ordinal)), Is.EqualTo(new[] { "pre-restore-2026-03-01T00-00-00Z" }));
        Assert.That(stdout, Does.Contain("no member directory"));
    }
}
