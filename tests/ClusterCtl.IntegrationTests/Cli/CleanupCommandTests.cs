using System.Text.Json;
using ClusterCtl.IntegrationTests.Restore;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Cli;

/// <summary><c>clusterctl etcd cleanup</c> on the testbed: what a few restores and interrupted snapshots leave behind.</summary>
[NonParallelizable]
public class CleanupCommandTests
{
    private static readonly string[] PreRestore = ["pre-restore-2026-01-01T00-00-00Z", "pre-restore-2026-02-01T00-00-00Z", "pre-restore-2026-03-01T00-00-00Z"];
    private static readonly string[] TemporarySnapshotFiles = [".upload-in-progress", "snap.zip.partial", "snap.zip.tmp"];

    [SetUp]
    public async Task LeaveLeftoversOnEveryNode()
    {
        // A reset (15 s) only after a test broke etcd: a stopped member, a member dir deleted under a running one.
        if (!await RestoreTestbed.HealthyAsync() || RestoreTestbed.Nodes.Any(n => !Directory.Exists(Path.Combine(RestoreTestbed.DataDirectory(n), "member"))))
        {
            await Testbed.RunAsync("reset");
        }
        else
        {
            await RemoveLeftoversAsync();
        }

        foreach (var node in RestoreTestbed.Nodes)
        {
            var data = RestoreTestbed.DataDirectory(node);
            foreach (var directory in PreRestore.Append("failed-restore-run1").Select(d => Path.Combine(data, d, "member")))
            {
                Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(Path.Combine(directory, "db"), new string('x', 8192));
            }

            Directory.CreateDirectory(Path.Combine(data, "restore-run2"));
            await File.WriteAllTextAsync(Path.Combine(data, "restore-run2", "snapshot.db"), "db");
            var snapshots = RestoreTestbed.SnapshotDirectory(node);
            Directory.CreateDirectory(snapshots);
            foreach (var file in TemporarySnapshotFiles.Append("good.zip"))
            {
                await File.WriteAllTextAsync(Path.Combine(snapshots, file), "zip");
            }

            // What a restore drill killed mid-way leaves: its scratch directory with a restored member.
            Directory.CreateDirectory(Path.Combine(snapshots, ".verify-run3", "data", "member"));
            await File.WriteAllTextAsync(Path.Combine(snapshots, ".verify-run3", "snapshot.db"), "db");
        }

        await Testbed.RunAsync("docker", "1", "run", "-d", "--name", "etcd-snapshot-once-crashed",
            "--label", "io.clusterctl.helper=true", "--label", "io.clusterctl.run-id=20200101T000000-dead", "local/busybox:1", "sleep", "600");
        await Testbed.RunAsync("docker", "2", "create", "--name", "etcd-old-20200101T000000-dead", "local/busybox:1", "true");
    }

    [OneTimeTearDown]
    public Task Reset() => Testbed.RunAsync("reset");

    /// <summary>Everything but the live member from the data dirs, the snapshot dirs, and the two containers this fixture plants.</summary>
    private static async Task RemoveLeftoversAsync()
    {
        foreach (var node in RestoreTestbed.Nodes)
        {
            foreach (var entry in new DirectoryInfo(RestoreTestbed.DataDirectory(node)).EnumerateDirectories().Where(d => d.Name != "member"))
            {
                entry.Delete(recursive: true);
            }

            if (Directory.Exists(RestoreTestbed.SnapshotDirectory(node)))
            {
                Directory.Delete(RestoreTestbed.SnapshotDirectory(node), recursive: true);
            }
        }

        await Testbed.TryRunAsync("docker", "1", "rm", "-f", "etcd-snapshot-once-crashed");
        await Testbed.TryRunAsync("docker", "2", "rm", "-f", "etcd-old-20200101T000000-dead");
    }

    private static Task<CliResult> CleanupAsync(params string[] extra) =>
        ClusterCtlRunner.RunAsync(["etcd", "cleanup", "--config", Testbed.ClusterYml, "--known-hosts", Testbed.NewKnownHostsFile(), .. extra]);

    [Test]
    public async Task A_dry_run_lists_every_leftover_and_removes_none()
    {
        var result = await CleanupAsync("--dry-run");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Stdout, Does.Contain("WOULD REMOVE").And.Contain("pre-restore-2026-01-01T00-00-00Z").And.Contain("failed-restore-run1")
            .And.Contain("restore-run2").And.Contain("snap.zip.partial").And.Contain(".verify-run3").And.Contain("etcd-snapshot-once-crashed").And.Contain("etcd-old-20200101T000000-dead"));
        Assert.That(result.Stdout, Does.Not.Contain("pre-restore-2026-03-01T00-00-00Z"), "the newest is kept");
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(RestoreTestbed.TopLevelEntries(node), Is.SupersetOf(PreRestore.Append("failed-restore-run1").Append("restore-run2")));
            Assert.That(Directory.GetFiles(RestoreTestbed.SnapshotDirectory(node)), Has.Length.EqualTo(4));
            Assert.That(Directory.Exists(Path.Combine(RestoreTestbed.SnapshotDirectory(node), ".verify-run3")), Is.True);
        }

        Assert.That(await RestoreTestbed.ContainerNamesAsync(1), Does.Contain("etcd-snapshot-once-crashed"));
        Assert.That(await RestoreTestbed.ContainerNamesAsync(2), Does.Contain("etcd-old-20200101T000000-dead"));
    }

    [Test]
    public async Task Cleanup_keeps_the_newest_pre_restore_dirs_and_real_snapshots_and_removes_the_rest()
    {
        var result = await CleanupAsync("--keep-pre-restore", "2", "--output", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.That(json.RootElement.GetProperty("dryRun").GetBoolean(), Is.False);
        Assert.That(items.Count(i => i.GetProperty("kind").GetString() == "pre-restore"), Is.EqualTo(Testbed.NodeCount), "one of three per node, the oldest");
        Assert.That(items.Count(i => i.GetProperty("kind").GetString() == "temporary snapshot file"), Is.EqualTo(3 * Testbed.NodeCount));
        Assert.That(items.Count(i => i.GetProperty("kind").GetString() == "verify scratch"), Is.EqualTo(Testbed.NodeCount));
        Assert.That(items.Where(i => i.GetProperty("kind").GetString() == "pre-restore").Select(i => i.GetProperty("path").GetString()),
            Is.All.EqualTo("/var/lib/etcd/pre-restore-2026-01-01T00-00-00Z"));
        Assert.That(items.First(i => i.GetProperty("kind").GetString() == "pre-restore").GetProperty("sizeBytes").GetInt64(), Is.GreaterThanOrEqualTo(8192));
        foreach (var node in RestoreTestbed.Nodes)
        {
            var entries = RestoreTestbed.TopLevelEntries(node);
            Assert.That(entries, Is.EqualTo(new[] { "member", "pre-restore-2026-02-01T00-00-00Z", "pre-restore-2026-03-01T00-00-00Z" }), $"node{node}");
            Assert.That(Directory.GetFiles(RestoreTestbed.SnapshotDirectory(node)).Select(Path.GetFileName), Is.EqualTo(new[] { "good.zip" }));
            Assert.That(Directory.GetDirectories(RestoreTestbed.SnapshotDirectory(node)), Is.Empty, $"node{node}: the drill's scratch dir is gone");
        }

        Assert.That(await RestoreTestbed.ContainerNamesAsync(1), Does.Not.Contain("etcd-snapshot-once-crashed"));
        Assert.That(await RestoreTestbed.ContainerNamesAsync(2), Does.Not.Contain("etcd-old-20200101T000000-dead"));
        Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);
        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
    }

    [Test]
    public async Task Keeping_no_pre_restore_dir_without_force_is_bad_usage_and_removes_nothing()
    {
        var result = await CleanupAsync("--keep-pre-restore", "0");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        Assert.That(result.Stderr, Does.Contain("--force"));
        Assert.That(result.StderrLines, Has.Count.EqualTo(1));
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(RestoreTestbed.TopLevelEntries(node), Is.SupersetOf(PreRestore.Append("failed-restore-run1").Append("restore-run2")), $"node{node}");
            Assert.That(Directory.GetFiles(RestoreTestbed.SnapshotDirectory(node)), Has.Length.EqualTo(4), $"node{node}");
        }

        Assert.That(await RestoreTestbed.ContainerNamesAsync(1), Does.Contain("etcd-snapshot-once-crashed"));
    }

    [Test]
    public async Task Keeping_none_with_force_keeps_the_newest_pre_restore_dir_where_etcd_is_stopped_or_the_member_dir_is_gone()
    {
        await Testbed.RunAsync("docker", "2", "stop", "etcd");
        // Under a running etcd, which holds its files open and may run on for a while or crash. Without its restart policy
        // a crash cannot bring up a fresh member that would create the dir anew.
        await Testbed.RunAsync("docker", "3", "update", "--restart=no", "etcd");
        Directory.Delete(Path.Combine(RestoreTestbed.DataDirectory(3), "member"), recursive: true);

        var result = await CleanupAsync("--keep-pre-restore", "0", "--force");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(RestoreTestbed.TopLevelEntries(1).Where(e => e.StartsWith("pre-restore-", StringComparison.Ordinal)), Is.Empty,
            "node1 has its member dir and a running etcd: keep 0 means none");
        Assert.That(RestoreTestbed.TopLevelEntries(2).Where(e => e.StartsWith("pre-restore-", StringComparison.Ordinal)), Is.EqualTo(new[] { PreRestore[^1] }),
            "node2's etcd is stopped");
        Assert.That(RestoreTestbed.TopLevelEntries(3).Where(e => e.StartsWith("pre-restore-", StringComparison.Ordinal)), Is.EqualTo(new[] { PreRestore[^1] }),
            "node3 has no member dir: " + result);
        Assert.That(result.Stderr, Does.Contain("etcd is not running").And.Contain("no member directory"));
    }

    [Test]
    public async Task A_negative_keep_count_is_bad_usage()
    {
        var result = await CleanupAsync("--keep-pre-restore", "-1");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
    }
}
