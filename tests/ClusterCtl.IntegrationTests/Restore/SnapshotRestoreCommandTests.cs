using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// <c>clusterctl etcd snapshot-restore</c> as an operator runs it: finding the snapshot wherever it is (every node,
/// one node, only S3; our zips, RKE's zips, raw dbs), refusing bad input before the point of no return, and the dry run.
/// </summary>
[NonParallelizable]
public class SnapshotRestoreCommandTests
{
    private string _folder = null!;
    private string _b = null!;

    [OneTimeSetUp]
    public Task StartFromAFreshCluster() => Testbed.RunAsync("reset");

    [SetUp]
    public async Task WriteKeySetsAroundASnapshot()
    {
        _folder = "restore-" + Guid.NewGuid().ToString("N")[..8];
        _b = "b-" + _folder;
        await RestoreTestbed.PutAsync("/registry/a", "A");
    }

    [TearDown]
    public async Task NoHelperIsLeftBehind() => Assert.That(await RestoreTestbed.HelpersLeftAsync(), Is.Empty);

    [Test]
    public async Task Restore_reports_phases_snapshot_and_restarts_as_JSON_and_the_data_is_the_snapshots()
    {
        await SaveAsync("golden");
        await RestoreTestbed.PutAsync("/registry/b", _b);
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = await RestoreAsync("golden", "--output", "json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var report = JsonDocument.Parse(result.Stdout);
        Assert.That(report.RootElement.GetProperty("outcome").GetString(), Is.EqualTo("restored"));
        Assert.That(report.RootElement.GetProperty("snapshot").GetProperty("name").GetString(), Is.EqualTo("golden"));
        Assert.That(report.RootElement.GetProperty("phases").GetArrayLength(), Is.GreaterThanOrEqualTo(5));
        Assert.That(report.RootElement.GetProperty("restarted").GetArrayLength(), Is.GreaterThan(0));
        Assert.That(result.Stderr, Does.Contain("extracting it on each node, nothing is copied"), "every node holds the zip, so none is sent one");
        await AssertRestoredAsync();
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.HelperEventsAsync(node, "read-kube-ca", started), Is.Empty, "no node needs certificates, so none is asked for the CA key");
        }
    }

    [Test]
    public async Task A_snapshot_that_only_S3_holds_is_restored()
    {
        await SaveAsync("only-s3", s3: true);
        foreach (var node in RestoreTestbed.Nodes)
        {
            File.Delete(Path.Combine(RestoreTestbed.SnapshotDirectory(node), "only-s3.zip"));
        }

        await RestoreTestbed.PutAsync("/registry/b", _b);

        var result = await RestoreAsync(["only-s3", .. TestbedCli.S3Flags(_folder)]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("s3://"));
        await AssertRestoredAsync();
    }

    [Test]
    public async Task A_snapshot_that_only_one_node_holds_is_distributed_and_restored()
    {
        await SaveAsync("only-node2");
        File.Delete(Path.Combine(RestoreTestbed.SnapshotDirectory(1), "only-node2.zip"));
        File.Delete(Path.Combine(RestoreTestbed.SnapshotDirectory(3), "only-node2.zip"));
        await RestoreTestbed.PutAsync("/registry/b", _b);

        var result = await RestoreAsync("only-node2");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("only-node2.zip on " + Testbed.NodeAddress(2)));
        await AssertRestoredAsync();
    }

    [Test]
    public async Task A_copy_damaged_on_one_node_is_listed_as_differing_and_the_restore_names_it_and_uses_the_good_copies()
    {
        await SaveAsync("damaged-on-1");
        var damaged = Path.Combine(RestoreTestbed.SnapshotDirectory(1), "damaged-on-1.zip");
        var bytes = await File.ReadAllBytesAsync(damaged);
        var saved = File.GetLastWriteTimeUtc(damaged);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(damaged, bytes);
        // Damage comes later than the save: within the same second, the checksum cache (size and mtime in seconds)
        // would still vouch for the file, which is the stale-cache test's case, not this one.
        File.SetLastWriteTimeUtc(damaged, saved.AddSeconds(5));
        await RestoreTestbed.PutAsync("/registry/b", _b);

        var listed = await TestbedCli.RunAsync("etcd", "snapshot-list", "--output", "json");
        var result = await RestoreAsync("damaged-on-1");

        var entry = TestbedCli.Json(listed).EnumerateArray().Single(s => s.GetProperty("name").GetString() == "damaged-on-1");
        Assert.That(entry.GetProperty("copiesAgree").GetBoolean(), Is.False, listed.ToString());
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Contain("The copies of damaged-on-1 differ").And.Contain(Testbed.NodeAddress(1) + "="));
        Assert.That(result.Stderr, Does.Not.Contain("Reading damaged-on-1.zip on " + Testbed.NodeAddress(1)), "the good copies, which agree, come first");
        await AssertRestoredAsync();
        Assert.That(await File.ReadAllBytesAsync(damaged), Is.EqualTo(bytes), "the damaged copy is left for the operator to look at");
    }

    [Test]
    public async Task A_zip_laid_out_as_RKE_lays_it_out_is_restored()
    {
        await SaveAsync("ours");
        // rke-tools' layout: one deflated entry /backup/<name>, no manifest.
        var db = await ExtractDbAsync("ours");
        var rkeZip = Path.Combine(RestoreTestbed.SnapshotDirectory(1), "rke-made.zip");
        using (var zip = ZipFile.Open(rkeZip, ZipArchiveMode.Create))
        {
            await using var entry = await zip.CreateEntry("/backup/rke-made", CompressionLevel.Optimal).OpenAsync();
            await entry.WriteAsync(db);
        }

        await RestoreTestbed.PutAsync("/registry/b", _b);

        var result = await RestoreAsync("rke-made");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        await AssertRestoredAsync();
    }

    [Test]
    public async Task An_RKE_zip_whose_db_is_larger_than_the_free_space_is_refused_in_preflight_and_nothing_is_written()
    {
        // rke-tools' layout, no manifest; its central directory declares a 1 PiB db (zip64), more than any node has
        // free, while the zip itself is a few KiB: only a preflight that reads the db's real size refuses it.
        var zip = HandMadeZip.Create("/backup/huge-rke", new byte[4096], declaredSize: 1L << 50);
        Directory.CreateDirectory(RestoreTestbed.SnapshotDirectory(1)); // a fresh testbed has none until a save
        await File.WriteAllBytesAsync(Path.Combine(RestoreTestbed.SnapshotDirectory(1), "huge-rke.zip"), zip);
        await RestoreTestbed.PutAsync("/registry/b", _b);
        var before = await StateOfEveryNodeAsync();

        var result = await RestoreAsync("huge-rke");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        foreach (var node in RestoreTestbed.Nodes)
        {
            // The node, the space needed (twice the db: the copy and the restored data, plus the margin) and the space free.
            Assert.That(result.Stderr, Does.Match($@"{Regex.Escape(Testbed.NodeAddress(node))}: [0-9.]+ GiB free in /var/lib/etcd, 2097152\.1 GiB needed"), result.ToString());
        }

        Assert.That(result.Stderr, Does.Not.Contain("Reading huge-rke.zip"), "nothing is read or copied");
        Assert.That(await StateOfEveryNodeAsync(), Is.EqualTo(before), "no node's data dir or etcd container changed");
        await AssertUntouchedAsync(before[0].EtcdStarted);
    }

    [Test]
    public async Task An_RKE_zip_whose_db_is_longer_than_its_central_directory_says_is_refused_and_no_copy_is_left()
    {
        await SaveAsync("honest");
        var db = await ExtractDbAsync("honest");
        // The local header tells the truth (a streaming reader reads every byte), the central directory half of it.
        var zip = HandMadeZip.Create("/backup/lying-rke", db, declaredSize: db.Length / 2);
        await File.WriteAllBytesAsync(Path.Combine(RestoreTestbed.SnapshotDirectory(1), "lying-rke.zip"), zip);
        await RestoreTestbed.PutAsync("/registry/b", _b);
        var before = await StateOfEveryNodeAsync();

        var result = await RestoreAsync("lying-rke");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stderr, Does.Contain($"is larger than the {db.Length / 2} bytes the preflight checked the disks for").And.Contain("nothing was changed"));
        Assert.That(await StateOfEveryNodeAsync(), Is.EqualTo(before), "no partial copy is left in any data dir");
        await AssertUntouchedAsync(before[0].EtcdStarted);
    }

    [Test]
    public async Task A_raw_etcdctl_snapshot_file_is_restored()
    {
        await SaveAsync("for-raw");
        await File.WriteAllBytesAsync(Path.Combine(RestoreTestbed.SnapshotDirectory(3), "raw-db"), await ExtractDbAsync("for-raw"));
        await RestoreTestbed.PutAsync("/registry/b", _b);

        var result = await RestoreAsync("raw-db");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        await AssertRestoredAsync();
    }

    [Test]
    public async Task A_corrupted_snapshot_is_refused_and_the_cluster_is_untouched()
    {
        await SaveAsync("flipped");
        foreach (var node in RestoreTestbed.Nodes)
        {
            await using var file = File.OpenWrite(Path.Combine(RestoreTestbed.SnapshotDirectory(node), "flipped.zip"));
            file.Seek(200, SeekOrigin.Begin);
            file.WriteByte(0x5A);
        }

        await RestoreTestbed.PutAsync("/registry/b", _b);
        var etcdStarted = await RestoreTestbed.StartedAtAsync(1, "etcd");

        var result = await RestoreAsync("flipped");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stderr, Does.Contain("no copy of snapshot flipped verifies").And.Contain("nothing was changed"));
        await AssertUntouchedAsync(etcdStarted);
    }

    [Test]
    public async Task A_zip_corrupted_behind_its_cached_checksum_is_refused_before_etcd_stops()
    {
        await SaveAsync("stale-cache");
        foreach (var node in RestoreTestbed.Nodes)
        {
            // Same size and mtime: the checksum cache still vouches for the file, so only the restore's own checks can catch it.
            var path = Path.Combine(RestoreTestbed.SnapshotDirectory(node), "stale-cache.zip");
            var modified = File.GetLastWriteTimeUtc(path);
            await using (var file = File.OpenWrite(path))
            {
                file.Seek(200, SeekOrigin.Begin);
                file.WriteByte(0x5A);
            }

            File.SetLastWriteTimeUtc(path, modified);
        }

        await RestoreTestbed.PutAsync("/registry/b", _b);
        var etcdStarted = await RestoreTestbed.StartedAtAsync(1, "etcd");

        var result = await RestoreAsync("stale-cache");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Stderr, Does.Contain("nothing was changed").And.Not.Contain("POINT OF NO RETURN"));
        await AssertUntouchedAsync(etcdStarted);
    }

    [Test]
    public async Task An_unknown_snapshot_name_is_invalid_input()
    {
        var result = await RestoreAsync("never-saved");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        Assert.That(result.Stderr, Does.Contain("snapshot never-saved not found"));
    }

    [Test]
    public async Task An_unreachable_etcd_node_refuses_the_restore_and_names_it()
    {
        await SaveAsync("node-down");
        await RestoreTestbed.PutAsync("/registry/b", _b);
        var etcdStarted = await RestoreTestbed.StartedAtAsync(1, "etcd");
        await Testbed.RunAsync("stop-sshd", "3");
        try
        {
            var result = await RestoreAsync("node-down");

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
            Assert.That(result.Stderr, Does.Contain("restore refused, nothing was changed").And.Contain(Testbed.NodeAddress(3)));
        }
        finally
        {
            await Testbed.RunAsync("start-sshd", "3");
        }

        await AssertUntouchedAsync(etcdStarted);
    }

    [Test]
    public async Task A_member_whose_data_is_gone_and_whose_etcd_restarts_in_a_loop_is_restored_in_place()
    {
        await SaveAsync("before-loss");
        await RestoreTestbed.PutAsync("/registry/b", _b);
        await Testbed.RunAsync("docker", "2", "stop", "etcd");
        Directory.Delete(Path.Combine(RestoreTestbed.DataDirectory(2), "member"), recursive: true);

        // etcd refuses to bootstrap a member that the others know, exits, and docker starts it again: a crash loop,
        // with moments of "running" in which an exec dies with the container.
        await Testbed.RunAsync("docker", "2", "start", "etcd");

        var result = await RestoreAsync("before-loss");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stderr, Does.Not.Contain("did not tell its version"));
        await AssertRestoredAsync();
    }

    [Test]
    public async Task A_dry_run_prints_the_plan_and_writes_nothing_on_any_node()
    {
        await SaveAsync("planned");
        await RestoreTestbed.PutAsync("/registry/b", _b);
        var before = RestoreTestbed.Nodes.Select(RestoreTestbed.DataDirectoryListing).ToList();
        var etcdStarted = await RestoreTestbed.StartedAtAsync(1, "etcd");

        var result = await RestoreAsync("planned", "--dry-run");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout, Does.Contain("POINT OF NO RETURN").And.Contain("nothing was written"));
        Assert.That(RestoreTestbed.Nodes.Select(RestoreTestbed.DataDirectoryListing).ToList(), Is.EqualTo(before));
        await AssertUntouchedAsync(etcdStarted);
    }

    private async Task SaveAsync(string name, bool s3 = false)
    {
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, .. s3 ? TestbedCli.S3Flags(_folder) : []]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
    }

    private static Task<CliResult> RestoreAsync(params string[] nameAndFlags) =>
        TestbedCli.RunAsync(["etcd", "snapshot-restore", "--name", .. nameAndFlags]);

    private static async Task<byte[]> ExtractDbAsync(string name)
    {
        using var zip = ZipFile.OpenRead(Path.Combine(RestoreTestbed.SnapshotDirectory(2), name + ".zip"));
        await using var db = await zip.GetEntry("/backup/" + name)!.OpenAsync();
        using var bytes = new MemoryStream();
        await db.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    private async Task AssertRestoredAsync()
    {
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/a"), Is.EqualTo("A"), $"node{node} has key set A");
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/b"), Is.Not.EqualTo(_b), $"node{node} has none of B");
        }

        Assert.That(await RestoreTestbed.LeadersAsync(), Is.EqualTo(1));
        Assert.That(await RestoreTestbed.HealthyAsync(), Is.True);
    }

    private static async Task<List<(string EtcdId, DateTimeOffset EtcdStarted, string DataDirectory)>> StateOfEveryNodeAsync()
    {
        var state = new List<(string, DateTimeOffset, string)>();
        foreach (var node in RestoreTestbed.Nodes)
        {
            state.Add((await RestoreTestbed.ContainerIdAsync(node, "etcd"), await RestoreTestbed.StartedAtAsync(node, "etcd"),
                string.Join('\n', RestoreTestbed.DataDirectoryListing(node))));
        }

        return state;
    }

    private async Task AssertUntouchedAsync(DateTimeOffset etcdStartedBefore)
    {
        foreach (var node in RestoreTestbed.Nodes)
        {
            Assert.That(await RestoreTestbed.GetLocalAsync(node, "/registry/b"), Is.EqualTo(_b), $"node{node} still has B");
            Assert.That(RestoreTestbed.TopLevelEntries(node).Where(e => e.StartsWith("restore-", StringComparison.Ordinal)), Is.Empty, $"node{node} keeps no scratch dir");
        }

        Assert.That(await RestoreTestbed.StartedAtAsync(1, "etcd"), Is.EqualTo(etcdStartedBefore), "etcd was not restarted");
    }
}
