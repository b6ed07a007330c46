using System.Text.Json;

namespace ClusterCtl.IntegrationTests.Snapshots;

/// <summary>snapshot-list, snapshot-delete and snapshot-prune across the testbed's nodes and its s3rver.</summary>
[NonParallelizable]
public class SnapshotHousekeepingTests
{
    private string _folder = null!;

    [SetUp]
    public async Task StartFromAnEmptySnapshotDirectory()
    {
        _folder = "house-" + Guid.NewGuid().ToString("N")[..8];
        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            foreach (var file in TestbedCli.SnapshotFiles(n))
            {
                File.Delete(file);
            }
        }

        // A fresh cluster has no key, and a snapshot of it has revision 0; give the manifests something to record.
        await Testbed.RunAsync("etcdctl", "1", "put", "/registry/housekeeping", _folder);
    }

    [TearDown]
    public async Task NoHelperIsLeftBehind() => Assert.That(await TestbedCli.LeftoverHelpersAsync(), Is.Empty);

    [Test]
    public async Task List_shows_a_copy_deleted_by_hand_and_a_copy_corrupted_by_hand()
    {
        await SaveAsync("missing");
        await SaveAsync("corrupt");
        File.Delete(TestbedCli.SnapshotPath(2, "missing.zip"));
        await using (var file = File.OpenWrite(TestbedCli.SnapshotPath(3, "corrupt.zip")))
        {
            file.Seek(100, SeekOrigin.Begin);
            file.WriteByte(0x42);
        }

        var list = await ListAsync();

        var missing = list.Single(s => s.GetProperty("name").GetString() == "missing");
        Assert.That(missing.GetProperty("nodes").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { Testbed.NodeAddress(1), Testbed.NodeAddress(3) }));
        Assert.That(missing.GetProperty("copiesAgree").GetBoolean(), Is.True);
        Assert.That(missing.GetProperty("inS3").GetBoolean(), Is.True);

        var corrupt = list.Single(s => s.GetProperty("name").GetString() == "corrupt");
        Assert.That(corrupt.GetProperty("nodes").EnumerateObject().Count(), Is.EqualTo(3));
        Assert.That(corrupt.GetProperty("copiesAgree").GetBoolean(), Is.False, "the corrupted copy must show as a disagreement");
        Assert.That(corrupt.GetProperty("revision").GetInt64(), Is.GreaterThan(0));
    }

    [Test]
    public async Task Listing_one_snapshot_on_a_node_reads_its_zip_and_raw_file_and_nothing_else()
    {
        await SaveAsync("wanted");
        await SaveAsync("other");
        await File.WriteAllTextAsync(TestbedCli.SnapshotPath(1, "wanted"), "a raw db of the same name");
        await File.WriteAllTextAsync(TestbedCli.SnapshotPath(1, "wanted-not"), "a name that only starts the same");
        await using var session = await TestbedSession.OpenAsync();
        var directory = new ClusterCtl.Storage.NodeSnapshotDirectory(session.Nodes.Single(n => n.Host == Testbed.NodeAddress(1)), TestbedSession.LoadConfig());

        var one = await directory.ListAsync("wanted", CancellationToken.None);
        var all = await directory.ListAsync(CancellationToken.None);

        Assert.That(one.Select(f => f.FileName), Is.EquivalentTo(new[] { "wanted.zip", "wanted" }));
        Assert.That(one.Single(f => f.FileName == "wanted.zip").Manifest?.Name, Is.EqualTo("wanted"));
        Assert.That(all.Select(f => f.FileName), Is.SupersetOf(new[] { "wanted.zip", "wanted", "other.zip", "wanted-not" }));
    }

    [Test]
    public async Task A_newline_in_a_file_name_cannot_forge_a_listing_entry()
    {
        await SaveAsync("real");
        // The name holds what a listing line looks like; a listing that trusts line structure would show "forged".
        await File.WriteAllTextAsync(TestbedCli.SnapshotPath(1, $"evil\n12 1700000000 {new string('a', 64)} forged.zip"), "not a snapshot");
        await using var session = await TestbedSession.OpenAsync();
        var directory = new ClusterCtl.Storage.NodeSnapshotDirectory(session.Nodes.Single(n => n.Host == Testbed.NodeAddress(1)), TestbedSession.LoadConfig());

        var all = await directory.ListAsync(CancellationToken.None);

        Assert.That(all.Select(f => f.FileName), Is.EqualTo(new[] { "real.zip" }));
        Assert.That(all.Single().DbSize, Is.EqualTo(all.Single().Manifest!.DbSize));
    }

    [Test]
    public async Task Delete_removes_the_snapshot_from_every_node_and_from_S3()
    {
        await SaveAsync("doomed");

        var result = await TestbedCli.RunAsync(["etcd", "snapshot-delete", "--name", "doomed", .. TestbedCli.S3Flags(_folder)]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Enumerable.Range(1, Testbed.NodeCount).Select(n => File.Exists(TestbedCli.SnapshotPath(n, "doomed.zip"))), Has.All.False);
        Assert.That(await ListAsync(), Is.Empty);
    }

    [Test]
    public async Task Deleting_an_unknown_snapshot_is_invalid_input()
    {
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-delete", "--name", "never-taken", .. TestbedCli.S3Flags(_folder)]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        Assert.That(result.Stderr, Does.Contain("snapshot never-taken not found"));
    }

    [Test]
    public async Task Prune_keeps_exactly_the_newest_N()
    {
        foreach (var name in new[] { "p1", "p2", "p3", "p4" })
        {
            await SaveAsync(name);
        }

        var result = await TestbedCli.RunAsync(["etcd", "snapshot-prune", "--retention", "2", .. TestbedCli.S3Flags(_folder)]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That((await ListAsync()).Select(s => s.GetProperty("name").GetString()), Is.EquivalentTo(new[] { "p3", "p4" }));
        Assert.That(File.Exists(TestbedCli.SnapshotPath(1, "p1.zip")), Is.False);
    }

    [Test]
    public async Task Prune_never_removes_the_newest_snapshot_whose_copies_verify()
    {
        await SaveAsync("good");
        await SaveAsync("damaged");
        await using (var file = File.OpenWrite(TestbedCli.SnapshotPath(1, "damaged.zip")))
        {
            file.Seek(50, SeekOrigin.Begin);
            file.WriteByte(0x13);
        }

        var dryRun = await TestbedCli.RunAsync(["etcd", "snapshot-prune", "--retention", "1", "--dry-run", .. TestbedCli.S3Flags(_folder)]);
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-prune", "--retention", "1", .. TestbedCli.S3Flags(_folder)]);

        Assert.That(dryRun.ExitCode, Is.Zero, dryRun.ToString());
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That((await ListAsync()).Select(s => s.GetProperty("name").GetString()), Is.EquivalentTo(new[] { "good", "damaged" }),
            "the newest is kept by retention, and the last good one is kept although retention is 1");
    }

    private async Task SaveAsync(string name)
    {
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-save", "--name", name, .. TestbedCli.S3Flags(_folder)]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        // Snapshot times have whole seconds; keep the order of saves unambiguous.
        await Task.Delay(1100);
    }

    private async Task<List<JsonElement>> ListAsync()
    {
        var result = await TestbedCli.RunAsync(["etcd", "snapshot-list", "--output", "json", .. TestbedCli.S3Flags(_folder)]);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return TestbedCli.Json(result).EnumerateArray().ToList();
    }
}
