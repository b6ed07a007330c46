using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using ClusterCtl.IntegrationTests.Storage;
using ClusterCtl.Storage;

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

    [Test]
    public async Task Prune_removes_only_this_clusters_snapshots_and_keeps_what_other_clusters_RKE_or_a_person_put_there()
    {
        // Older than ours, so a prune that counted them would remove them first.
        var earlier = DateTimeOffset.UtcNow.AddHours(-1);
        string[] members = ["etcd-node1", "etcd-node2", "etcd-node3"];
        var others = new Dictionary<string, byte[]>
        {
            ["staging-snap.zip"] = Zip("staging-snap", Manifest("staging-snap", "staging", earlier, members)),
            ["twin-testbed.zip"] = Zip("twin-testbed", Manifest("twin-testbed", "testbed", earlier, ["etcd-elsewhere"])),
            ["older-tool.zip"] = Zip("older-tool", Manifest("older-tool", "testbed", earlier, null)),
            ["rke-own.zip"] = Zip("rke-own", null),
            ["by-hand"] = "a raw db placed by hand"u8.ToArray(),
        };
        await PlantAsync(others);
        foreach (var name in new[] { "p1", "p2", "p3" })
        {
            await SaveAsync(name);
        }

        var result = await TestbedCli.RunAsync(["etcd", "snapshot-prune", "--retention", "1", .. TestbedCli.S3Flags(_folder)]);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "p1", "p2" }), "only ours were removed");
        Assert.That(result.Stderr, Does.Contain("Not ours, kept: twin-testbed").And.Contain("Not ours, kept: rke-own").And.Contain("Not ours, kept: by-hand"));
        var kept = others.Keys.Append("p3.zip").ToList();
        for (var n = 1; n <= Testbed.NodeCount; n++)
        {
            var files = TestbedCli.SnapshotFiles(n).Select(Path.GetFileName).ToList();
            Assert.That(files, Is.SupersetOf(kept), $"node{n}");
            Assert.That(files, Has.None.EqualTo("p1.zip").And.None.EqualTo("p2.zip"), $"node{n}");
        }

        Assert.That(await S3KeysAsync(), Is.EquivalentTo(kept));

        var widened = await TestbedCli.RunAsync(["etcd", "snapshot-prune", "--retention", "1", "--all-snapshots", .. TestbedCli.S3Flags(_folder)]);

        Assert.That(widened.ExitCode, Is.Zero, widened.ToString());
        Assert.That(await S3KeysAsync(), Is.EqualTo(new[] { "p3.zip" }), "--all-snapshots counts every snapshot; the newest (and newest verified) stays");
        Assert.That(Enumerable.Range(1, Testbed.NodeCount).Select(n => TestbedCli.SnapshotFiles(n).Select(Path.GetFileName).Where(f => !f!.StartsWith('.'))),
            Has.All.EquivalentTo(new[] { "p3.zip" }));
    }

    /// <summary>Places the files in every node's snapshot directory and in the S3 folder, with our metadata where a zip has our manifest.</summary>
    private async Task PlantAsync(Dictionary<string, byte[]> files)
    {
        using var s3 = S3rver.NewClient();
        foreach (var (file, bytes) in files)
        {
            for (var n = 1; n <= Testbed.NodeCount; n++)
            {
                await File.WriteAllBytesAsync(TestbedCli.SnapshotPath(n, file), bytes);
            }

            var request = new PutObjectRequest { BucketName = Testbed.Env["TB_S3_BUCKET"], Key = $"{_folder}/{file}", InputStream = new MemoryStream(bytes) };
            if (ManifestOf(bytes) is { } manifest)
            {
                foreach (var (key, value) in manifest.ToS3Metadata(Convert.ToHexStringLower(SHA256.HashData(bytes))))
                {
                    request.Metadata[key] = value;
                }
            }

            await s3.PutObjectAsync(request);
        }
    }

    private async Task<List<string>> S3KeysAsync()
    {
        using var s3 = S3rver.NewClient();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Testbed.Env["TB_S3_BUCKET"], Prefix = _folder + "/" });
        return [.. (listed.S3Objects ?? []).Select(o => o.Key[(_folder.Length + 1)..])];
    }

    private static SnapshotManifest Manifest(string name, string cluster, DateTimeOffset created, string[]? members) =>
        new(1, name, cluster, created.AddTicks(-(created.Ticks % TimeSpan.TicksPerSecond)), "3.5.16", 1, 64, new string('a', 64), "etcd-node1", "0.1.0", members);

    /// <summary>A zip in RKE's layout (the db under /backup/), with our manifest when one is given.</summary>
    private static byte[] Zip(string name, SnapshotManifest? manifest)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var db = zip.CreateEntry(SnapshotZipLayout.DbEntryName(name)).Open())
            {
                db.Write(new byte[64]);
            }

            if (manifest is not null)
            {
                using var entry = zip.CreateEntry(SnapshotZipLayout.ManifestEntryName).Open();
                entry.Write(manifest.ToJsonBytes());
            }
        }

        return buffer.ToArray();
    }

    private static SnapshotManifest? ManifestOf(byte[] bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            using var entry = zip.GetEntry(SnapshotZipLayout.ManifestEntryName)?.Open();
            using var json = new MemoryStream();
            entry?.CopyTo(json);
            return entry is null ? null : SnapshotManifest.FromJson(json.ToArray());
        }
        catch (InvalidDataException)
        {
            return null;
        }
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
